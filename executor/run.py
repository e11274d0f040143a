"""Running a plan: level by level, one batched load per relation, plain dicts out.

Each wave writes every field it can synchronously, queues the loads its objects need
(grouped per field, so all cases' managers are one ``load_many``; the projected fields of
all the cases are one read), and awaits them all at once. Errors are located exactly as
graphql-core locates them and null the nearest nullable position (the spec's
propagation); an error under a position already nulled is dropped, as graphql-core drops
it. The response's errors come out in document order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import orjson
from graphql import ExecutionResult, GraphQLError, located_error
from graphql.execution.values import VariableValues, get_argument_values

from executor.concrete_types import concrete_type
from executor.permissions import refusal
from executor.plan import Plan
from executor.specs import Args, Call, Load, Sync
from executor.tree import LEAF, LEAF_LIST, OBJECT, FieldPlan, ProjectedFields, Selection
from resolvers.cases import checked_page_size
from resolvers.context import Context
from resolvers.errors import PublicError
from resolvers.policy import CaseView
from schema.permissions import CanReadCases

T = TypeVar("T")


class Slot:
    """Where one object's dict sits: enough to find its path and null it."""

    __slots__ = ("field", "index", "out", "owner")

    def __init__(
        self, owner: Slot | None, field: FieldPlan | None, index: int | None, out: dict[str, Any]
    ) -> None:
        self.owner = owner
        self.field = field
        self.index = index
        self.out = out

    def path(self) -> list[str | int]:
        """The response path to this object: keys and list indexes."""
        return self._trail(lambda field: field.key)

    def rank(self) -> list[int]:
        """Where this object comes in document order: field positions and list indexes."""
        return self._trail(lambda field: field.position)

    def _trail(self, label: Callable[[FieldPlan], T]) -> list[T | int]:
        parts: list[T | int] = []
        slot: Slot | None = self
        while slot is not None and slot.field is not None:
            if slot.index is not None:
                parts.append(slot.index)
            parts.append(label(slot.field))
            slot = slot.owner
        parts.reverse()
        return parts


Pending = list[tuple[Slot, Any, Any]]
"""(object, source, key) triples waiting on one field's loader."""

Projecting = list[tuple[Slot, CaseView]]
"""The cases waiting on one projected read."""


class Run:
    """One execution of a plan for one request."""

    def __init__(self, plan: Plan, context: Context, variables: VariableValues) -> None:
        self.context = context
        self.args: dict[FieldPlan, Args] = {
            f: get_argument_values(f.definition, f.nodes[0], variables)  # type: ignore[arg-type]
            for f in plan.dynamic
        }
        self.loads: dict[FieldPlan, Pending] = {}
        self.projecting: dict[ProjectedFields, Projecting] = {}
        self.calls: list[tuple[FieldPlan, Slot, Awaitable[Any]]] = []
        self.errors: list[tuple[list[int], int, GraphQLError]] = []
        self.nulled: set[tuple[str | int, ...] | None] = set()
        self.data: dict[str, Any] | None = {}
        self.plan = plan

    async def execute(self) -> ExecutionResult:
        """The response: data and errors, as graphql-core would give them."""
        assert self.data is not None
        self.fill(self.plan.root, self.plan.root_value, Slot(None, None, None, self.data))
        while self.loads or self.calls or self.projecting:
            loads, calls, projecting = self.loads, self.calls, self.projecting
            self.loads, self.calls, self.projecting = {}, [], {}
            await self.wave(loads, calls, projecting)
        self.errors.sort(key=lambda entry: (entry[0], entry[1]))
        errors = [entry[2] for entry in self.errors]
        return ExecutionResult(self.data, errors or None)

    async def wave(
        self,
        loads: dict[FieldPlan, Pending],
        calls: list[tuple[FieldPlan, Slot, Any]],
        projecting: dict[ProjectedFields, Projecting],
    ) -> None:
        context = self.context
        delius = context.delius
        awaited: list[Awaitable[Any]] = []
        loading: list[tuple[FieldPlan, Pending]] = []
        for plan, pending in loads.items():
            assert isinstance(plan.spec, Load)
            loader = plan.spec.loader(context)
            if loader is None:  # its backend is not configured: the field is null
                for slot, _, _ in pending:
                    self.complete(slot, plan, None)
                continue
            loading.append((plan, pending))
            awaited.append(loader.load_many([key for _, _, key in pending]))
        for projected, cases in projecting.items():
            loader = delius.projected(projected.projection)
            awaited.append(loader.load_many([view.record.offender_id for _, view in cases]))
        awaited.extend(call for _, _, call in calls)
        started = [asyncio.ensure_future(work) for work in awaited]
        if context.audit.unwritten():
            # The audit rows of the cases earlier levels decided are written as soon as
            # this level's first read returns: by then its calls to OASys and the CRCs
            # have gone out (the write would delay them), and the write runs while they
            # are answered instead of after them.
            for work in started:
                work.add_done_callback(self.write_audit_ahead)
        results = await asyncio.gather(*started, return_exceptions=True)
        for (plan, pending), values in zip(loading, results, strict=False):
            self.complete_loads(plan, pending, values)
        done = len(loading)
        for (projected, cases), read in zip(projecting.items(), results[done:], strict=False):
            self.complete_projected(projected, cases, read)
        done += len(projecting)
        for (plan, slot, _), value in zip(calls, results[done:], strict=True):
            if isinstance(value, BaseException):
                self.fail(slot, plan, value)
            else:
                self.complete(slot, plan, value)

    def write_audit_ahead(self, _: asyncio.Future[Any]) -> None:
        """Start writing the audit rows decided so far (once; later calls find none)."""
        self.context.audit.write_ahead()

    def complete_projected(self, projected: ProjectedFields, cases: Projecting, read: Any) -> None:
        """Write each case's projected fields. When the read failed, or a case came back
        incomplete, those fields take their own loaders instead: each then succeeds or
        fails on its own, exactly as it does through graphql-core."""
        if isinstance(read, BaseException):
            read = [None] * len(cases)
        fields = projected.fields
        for (slot, view), found in zip(cases, read, strict=True):
            if found is None or not found.complete:
                for plan in fields:
                    self.fill_field(plan, view, slot)
                continue
            out = slot.out
            for plan, text in zip(fields, found.values, strict=True):
                out[plan.key] = orjson.Fragment(text)

    def complete_loads(self, plan: FieldPlan, pending: Pending, values: Any) -> None:
        spec = plan.spec
        assert isinstance(spec, Load)
        args = self.args[plan] if plan.args is None else plan.args
        context = self.context
        if isinstance(values, BaseException):
            for slot, _, _ in pending:
                self.fail(slot, plan, values)
            return
        for (slot, source, key), value in zip(pending, values, strict=True):
            try:
                result = spec.then(value, key, source, args, context)
            except Exception as error:
                self.fail(slot, plan, error)
                continue
            self.complete(slot, plan, result)

    def fill(self, selection: Selection, source: Any, slot: Slot) -> None:
        """Write every field of one object; queue what needs I/O."""
        out = slot.out
        projected = selection.projected
        skipped: frozenset[str] = frozenset()
        if projected is not None and self.may_project(projected, source):
            self.projecting.setdefault(projected, []).append((slot, source))
            skipped = projected.keys
        for plan in selection.fields:
            out[plan.key] = None
            if plan.key not in skipped:
                self.fill_field(plan, source, slot)

    def may_project(self, projected: ProjectedFields, source: Any) -> bool:
        """Whether a case's fields can come from the projected read: a case the caller
        may see whole, with page sizes within the limits (else the loaders say why not)."""
        if not isinstance(source, CaseView) or source.message is not None:
            return False
        try:
            for first in projected.page_sizes:
                checked_page_size(first, self.context.limits)
        except PublicError:
            return False
        return True

    def fill_field(self, plan: FieldPlan, source: Any, slot: Slot) -> None:
        """Write one field of an object, or queue the I/O it needs."""
        spec = plan.spec
        context = self.context
        args = self.args[plan] if plan.args is None else plan.args
        if isinstance(spec, Sync):
            try:
                value = spec.get(source, args, context)
            except Exception as error:
                self.fail(slot, plan, error)
                return
            self.complete(slot, plan, value)
        elif isinstance(spec, Load):
            try:
                key = spec.key(source, args, context)
            except Exception as error:
                self.fail(slot, plan, error)
                return
            if spec.start is not None:
                spec.start(key, context)
            self.loads.setdefault(plan, []).append((slot, source, key))
        elif isinstance(spec, Call):
            refused = refusal(CanReadCases(), source, args, context) if spec.permission else None
            if refused is not None:
                self.fail(slot, plan, refused)
                return
            if spec.start is not None:
                spec.start(source, args, context)
            self.calls.append((plan, slot, spec.run(source, args, context)))

    def complete(self, slot: Slot, plan: FieldPlan, value: Any) -> None:
        """Write one field's value into its object (a leaf, an object, or a list)."""
        out = slot.out
        if value is None:
            if plan.non_null:
                self.fail(slot, plan, _null_error(plan))
            return
        kind = plan.kind
        if kind == LEAF:
            out[plan.key] = value if plan.serialize is None else plan.serialize(value)
        elif kind == OBJECT:
            selection = self.selection_of(plan, value)
            if isinstance(selection, Exception):
                self.fail(slot, plan, selection)
            elif selection.pure:
                out[plan.key] = assemble(selection, value, self.context)
            else:
                child: dict[str, Any] = {}
                out[plan.key] = child
                self.fill(selection, value, Slot(slot, plan, None, child))
        elif kind == LEAF_LIST:
            serialize = plan.serialize
            out[plan.key] = list(value) if serialize is None else [serialize(v) for v in value]
        else:
            self.complete_list(slot, plan, value)

    def complete_list(self, slot: Slot, plan: FieldPlan, values: Any) -> None:
        items: list[Any] = []
        slot.out[plan.key] = items
        context = self.context
        for index, value in enumerate(values):
            selection = None if value is None else self.selection_of(plan, value)
            if selection is None or isinstance(selection, Exception):
                items.append(None)
                error = selection if selection is not None else _null_error(plan)
                if value is None and not plan.item_non_null:
                    continue
                self.fail(slot, plan, error, index)
            elif selection.pure:
                items.append(assemble(selection, value, context))
            else:
                child: dict[str, Any] = {}
                items.append(child)
                self.fill(selection, value, Slot(slot, plan, index, child))

    @staticmethod
    def selection_of(plan: FieldPlan, value: Any) -> Selection | Exception:
        """The selection a field's value is completed with: for a union or interface, the
        one of the value's own object type. An error value (a list item's own error) or a
        value of no possible type is returned as the error to locate."""
        if isinstance(value, Exception):
            return value
        by_type = plan.by_type
        if by_type is None:
            assert plan.selection is not None
            return plan.selection
        try:
            name = concrete_type(value)
        except TypeError as error:
            return error
        chosen = by_type.get(name)
        if chosen is None:
            return TypeError(f"{name} is not a possible type of {plan.parent}.{plan.name}")
        return chosen

    def fail(
        self, slot: Slot, plan: FieldPlan, raw: BaseException, index: int | None = None
    ) -> None:
        """Locate an error at the field, null the nearest nullable position, note it."""
        path = [*slot.path(), plan.key]
        rank = [*slot.rank(), plan.position]
        if index is not None:
            path.append(index)
            rank.append(index)
        error = located_error(
            raw if isinstance(raw, Exception) else RuntimeError(str(raw)), plan.nodes, path
        )
        if index is not None and not plan.item_non_null:
            slot.out[plan.key][index] = None
            position: tuple[str | int, ...] | None = tuple(path)
        elif not plan.non_null:
            slot.out[plan.key] = None
            position = tuple(path[:-1] if index is not None else path)
        else:
            position = self.nullify(slot)
        self.note(error, position, rank)

    def nullify(self, slot: Slot) -> tuple[str | int, ...] | None:
        """Null an object whose non-null field failed, and upwards while non-null."""
        current: Slot | None = slot
        while current is not None and current.owner is not None:
            plan = current.field
            assert plan is not None
            owner = current.owner
            if current.index is not None and not plan.item_non_null:
                owner.out[plan.key][current.index] = None
                return tuple(current.path())
            if not plan.non_null:
                owner.out[plan.key] = None
                path = current.path()
                return tuple(path[:-1] if current.index is not None else path)
            current = owner
        self.data = None
        return None

    def note(
        self, error: GraphQLError, position: tuple[str | int, ...] | None, rank: list[int]
    ) -> None:
        nulled = self.nulled
        if None in nulled:
            return
        if position is not None:
            for end in range(len(position), 0, -1):
                if position[:end] in nulled:
                    return
        nulled.add(position)
        self.errors.append((rank, len(self.errors), error))


def assemble(selection: Selection, source: Any, context: Context) -> dict[str, Any]:
    """A pure subtree (attributes only) straight into a dict."""
    out: dict[str, Any] = {}
    for plan in selection.fields:
        value = plan.spec.get(source, plan.args or {}, context)  # type: ignore[union-attr]
        if value is None:
            out[plan.key] = None
        elif plan.kind == LEAF:
            out[plan.key] = value if plan.serialize is None else plan.serialize(value)
        elif plan.kind == OBJECT:
            out[plan.key] = assemble(plan.selection, value, context)  # type: ignore[arg-type]
        elif plan.kind == LEAF_LIST:
            serialize = plan.serialize
            out[plan.key] = list(value) if serialize is None else [serialize(v) for v in value]
        else:
            sub = plan.selection
            out[plan.key] = [assemble(sub, v, context) for v in value]  # type: ignore[arg-type]
    return out


def _null_error(plan: FieldPlan) -> GraphQLError:
    return GraphQLError(f"Cannot return null for non-nullable field {plan.parent}.{plan.name}.")

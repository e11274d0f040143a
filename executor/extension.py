"""The schema extension that answers known documents from a plan instead of graphql-core.

strawberry skips graphql-core when an extension's ``on_execute`` sets the result before
yielding. Anything the planner does not cover (a field, a mutation, variables that do
not coerce, a planning or execution failure) leaves the result unset, so graphql-core
answers exactly as it would without the planner. A client that sends
``"extensions": {"casegraphExecution": true}`` is told which path answered.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from graphql.execution.values import VariableValues, get_variable_values
from strawberry.extensions import SchemaExtension

from executor.cache import METRICS, Entry, PlanCache, document_key, remember_plan
from executor.plan import Plan, Unsupported, compile_plan, operation_of
from executor.run import Run
from resolvers.context import Context

log = logging.getLogger("casegraph.planner")

ASK = "casegraphExecution"
"""The request extension that asks which path answered, and the response's answer."""

answered_by: ContextVar[str] = ContextVar("casegraph_answered_by", default="graphql-core")
"""Which executor answered the current request: ``planned`` or ``graphql-core`` (metrics)."""


class Planner:
    """The plan cache of one application, shared by its requests."""

    def __init__(self) -> None:
        self.cache = PlanCache()

    def plan_for(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> tuple[Plan, VariableValues] | str:
        """The plan and coerced variables for a request, or why there is none.

        A hit is a request whose plan (or verdict) was already cached; a miss compiled.
        """
        key = document_key(query, schema, operation_name)
        entry = self.cache.get(key)
        compiled = entry is None
        if entry is None:
            try:
                entry = Entry(operation_of(document, operation_name), None)
            except Unsupported as reason:
                entry = Entry(None, str(reason))
            self.cache.put(key, entry)
        found = self._plan(schema, entry, variables)
        compiled = compiled or found[1]
        if compiled:
            METRICS.miss()
        else:
            METRICS.hit()
        return found[0]

    @staticmethod
    def _plan(
        schema: GraphQLSchema, entry: Entry, variables: dict[str, Any] | None
    ) -> tuple[tuple[Plan, VariableValues] | str, bool]:
        operation = entry.operation
        if operation is None:
            return entry.reason or "unsupported", False
        coerced = get_variable_values(
            schema, operation.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return "variables", False
        variant = tuple(coerced.coerced.get(name) for name in operation.variant_variables)
        plan = entry.plans.get(variant)
        compiled = plan is None
        if plan is None:
            try:
                plan = compile_plan(schema, operation, coerced)
            except Unsupported as reason:
                plan = str(reason)
            remember_plan(entry, variant, plan)
        return (plan if isinstance(plan, str) else (plan, coerced)), compiled


class PlannedExecution(SchemaExtension):
    """Runs known documents through their plan; everything else through graphql-core."""

    def __init__(self, planner: Planner) -> None:
        self._planner = planner
        self._path = "graphql-core"

    async def on_execute(self) -> AsyncIterator[None]:
        """Sets the result before graphql-core would run, when a plan answers."""
        context = self.execution_context
        reason = await self._try(context)
        if reason is None:
            self._path = "planned"
            answered_by.set("planned")
            METRICS.planned()
        else:
            METRICS.fallback(reason)
            self._path = f"graphql-core ({reason})"
        yield

    async def _try(self, execution: Any) -> str | None:
        context = execution.context
        query = execution.query
        document = execution.graphql_document
        if not isinstance(context, Context) or not query or document is None:
            return "no-document"
        schema = execution.schema._schema
        try:
            found = self._planner.plan_for(
                schema, document, query, execution.operation_name, execution.variables
            )
        except Exception:
            log.exception("planning failed; graphql-core answers")
            return "plan-error"
        if isinstance(found, str):
            return found
        plan, coerced = found
        try:
            execution.result = await Run(plan, context, coerced).execute()
        except Exception:
            log.exception("planned execution failed; graphql-core answers")
            return "run-error"
        return None

    def get_results(self) -> dict[str, Any]:
        """Which path answered, only for a client that asked."""
        asked = self.execution_context.operation_extensions or {}
        return {ASK: self._path} if asked.get(ASK) is True else {}


def planner_extension() -> Any:
    """A factory for the schema's extension list: one plan cache, an extension per request."""
    planner = Planner()
    return lambda: PlannedExecution(planner)

"""Compiling a known document into a plan: the selection tree walked once, ahead of time.

Fields are collected with graphql-core's own ``collect_fields`` (aliases, fragments,
inline fragments, ``@skip``/``@include``), so merging follows the spec exactly; a field of
a union or interface type gets one selection per possible object type, collected for
that type as graphql-core collects it once it knows the value's type. A plan is
built for one set of values of the operation's variant variables (``@skip``/``@include``
conditions, options of projected reads); arguments that use no other variable are coerced
here once, the others per request. Anything not covered raises
``Unsupported`` and the document goes to graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    is_abstract_type,
    visit,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import Visitor
from strawberry.schema.schema_converter import GraphQLCoreConverter

from executor.graph import FIELDS
from executor.projection import is_option_argument, project
from executor.specs import Call, Load, Sync
from executor.tree import LEAF, LEAF_LIST, OBJECT, OBJECT_LIST, FieldPlan, Selection, Shape

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
"""Where strawberry keeps itself in the GraphQL schema's extensions."""


class Unsupported(Exception):
    """The document (or part of it) is not covered; the reason names what."""


@dataclass(eq=False, slots=True)
class Plan:
    """A compiled operation: the root selection and the fields whose arguments vary."""

    root: Selection
    dynamic: list[FieldPlan]
    root_value: Any = None
    """The root fields' source: the strawberry schema (``_service`` prints it,
    ``_entities`` reads its entity types)."""


@dataclass(slots=True)
class Operation:
    """What the cache keeps per document: the operation and its fragments."""

    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    variant_variables: tuple[str, ...]
    """The variables a plan is compiled for, one plan per combination of their values:
    those of ``@skip``/``@include``, and those giving options of projected reads."""


def operation_of(document: DocumentNode, operation_name: str | None) -> Operation:
    """The operation to run, as graphql-core picks it; only plain queries are planned."""
    chosen: OperationDefinitionNode | None = None
    fragments: dict[str, FragmentDetails] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if operation_name is None:
                if chosen is not None:
                    raise Unsupported("operation:ambiguous")
                chosen = definition
            elif definition.name and definition.name.value == operation_name:
                chosen = definition
        elif isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                raise Unsupported("fragment-variables")
            fragments[definition.name.value] = FragmentDetails(definition)
    if chosen is None:
        raise Unsupported("operation:missing")
    if chosen.operation is not OperationType.QUERY:
        raise Unsupported(f"operation:{chosen.operation.value}")
    return Operation(chosen, fragments, _variant_variables(document))


def _variant_variables(document: DocumentNode) -> tuple[str, ...]:
    names: set[str] = set()

    class Variants(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in ("defer", "stream"):
                raise Unsupported(f"directive:{node.name.value}")
            if node.name.value in ("skip", "include"):
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode) and is_option_argument(
                    node.name.value, argument.name.value
                ):
                    names.add(argument.value.name.value)

    visit(document, Variants())
    return tuple(sorted(names))


def compile_plan(schema: GraphQLSchema, operation: Operation, variables: VariableValues) -> Plan:
    """The plan for one operation under these ``@skip``/``@include`` values."""
    root_type = schema.query_type
    if root_type is None:
        raise Unsupported("no-query-type")
    collected = collect_fields(
        schema, operation.fragments, variables, root_type, operation.operation
    )
    dynamic: list[FieldPlan] = []
    compiler = _Compiler(schema, operation, variables, dynamic)
    root = compiler.selection(root_type, collected.grouped_field_set)
    return Plan(root=root, dynamic=dynamic, root_value=schema.extensions.get(DEFINITION_BACKREF))


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: Operation,
        variables: VariableValues,
        dynamic: list[FieldPlan],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variables = variables
        self.dynamic = dynamic

    def selection(
        self, parent: GraphQLObjectType, grouped: dict[str, list[FieldDetails]]
    ) -> Selection:
        selection = Selection()
        for position, (key, details) in enumerate(grouped.items()):
            if any(d.defer_usage is not None for d in details):
                raise Unsupported("defer")
            plan = self.field(parent, key, position, details)
            selection.fields.append(plan)
            pure = isinstance(plan.spec, Sync) and plan.spec.safe and plan.args is not None
            if plan.by_type is not None:
                pure = False
            if not pure or (plan.selection is not None and not plan.selection.pure):
                selection.pure = False
        if parent.name == "Case":
            selection.projected = project(selection)
        return selection

    def field(
        self, parent: GraphQLObjectType, key: str, position: int, details: list[FieldDetails]
    ) -> FieldPlan:
        nodes = [d.node for d in details]
        name = nodes[0].name.value
        if name == "__typename":
            type_name = parent.name
            return FieldPlan(
                key, position, parent.name, name, nodes,
                Sync(lambda s, a, c: type_name, safe=True),
                LEAF, True, False, None, {}, None,
            )  # fmt: skip
        spec = FIELDS.get(parent.name, {}).get(name)
        definition = parent.fields.get(name)
        if spec is None or definition is None:
            raise Unsupported(f"field:{parent.name}.{name}")
        kind, non_null, item_non_null, inner = _shape(definition.type)
        plan = FieldPlan(
            key, position, parent.name, name, nodes, spec, kind, non_null, item_non_null,
            _serializer(inner), None, definition,
        )  # fmt: skip
        if _variables(nodes[0]) - set(self.operation.variant_variables):
            self.dynamic.append(plan)
        else:
            plan.args = get_argument_values(definition, nodes[0], self.variables)
        if isinstance(inner, GraphQLObjectType):
            plan.selection = self.subselection(inner, details)
            if isinstance(spec, Call | Load) and spec.for_selection is not None:
                plan.spec = spec.for_selection(plan.selection)
        elif is_abstract_type(inner):
            possible = self.schema.get_possible_types(inner)
            plan.by_type = {t.name: self.subselection(t, details) for t in possible}
        return plan

    def subselection(self, type_: GraphQLObjectType, details: list[FieldDetails]) -> Selection:
        """The selection of a field's value of this object type: its fields merged as
        graphql-core merges them for that type (fragments on other types left out)."""
        sub = collect_subfields(
            self.schema,
            self.operation.fragments,
            self.variables,
            self.operation.operation,
            type_,
            details,
        )
        return self.selection(type_, sub.grouped_field_set)


def _shape(type_: GraphQLOutputType) -> tuple[Shape, bool, bool, GraphQLOutputType]:
    non_null = isinstance(type_, GraphQLNonNull)
    inner: Any = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        item: Any = inner.of_type
        item_non_null = isinstance(item, GraphQLNonNull)
        item = item.of_type if item_non_null else item
        if isinstance(item, GraphQLList):
            raise Unsupported("nested-lists")
        objects = isinstance(item, GraphQLObjectType) or is_abstract_type(item)
        if not objects and not isinstance(item, GraphQLScalarType | GraphQLEnumType):
            raise Unsupported(f"type:{item}")
        return OBJECT_LIST if objects else LEAF_LIST, non_null, item_non_null, item
    if isinstance(inner, GraphQLObjectType) or is_abstract_type(inner):
        return OBJECT, non_null, False, inner
    if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        return LEAF, non_null, False, inner
    raise Unsupported(f"type:{inner}")


_IDENTITY = frozenset({"String", "Int", "Boolean", "ID"})


def _serializer(type_: GraphQLOutputType) -> Callable[[Any], Any] | None:
    """None where the record already holds the JSON value (the built-in scalars)."""
    if isinstance(type_, GraphQLScalarType):
        return None if type_.name in _IDENTITY else type_.serialize
    if isinstance(type_, GraphQLEnumType):
        return type_.serialize
    return None


def _variables(node: FieldNode) -> set[str]:
    """The names of the variables a field's arguments use."""
    found: set[str] = set()

    class Variables(Visitor):
        def enter_variable(self, node: VariableNode, *_: Any) -> None:
            found.add(node.name.value)

    for argument in node.arguments or ():
        visit(argument, Variables())
    return found

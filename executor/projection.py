"""Which of a case's fields one projected read answers, and the projection that asks for it.

A ``Case`` field is projected when its whole subtree is in the adapter's vocabulary, with
arguments known at compile time (page sizes and ``activeOnly`` may come from variables: a
plan is compiled per value); the others keep their own loaders. A projected field's
value is the adapter's JSON text, passed into the response unparsed, so the vocabulary's
names must mean what the schema's fields mean: the differential tests hold the two paths
to the same bytes.
"""

from __future__ import annotations

from typing import Any

from graphql import get_named_type
from strawberry.utils.str_converters import to_camel_case, to_snake_case

from adapters.projection import (
    VOCABULARY,
    CaseProjection,
    Column,
    Field,
    NotProjectable,
    Relation,
    target,
)
from executor.tree import FieldPlan, ProjectedFields, Selection

ENTITY_OF_TYPE: dict[str, str] = {
    "Case": "case",
    "OffenderManager": "manager",
    "Staff": "staff",
    "Team": "team",
    "Provider": "provider",
    "Event": "event",
    "Offence": "offence",
    "Sentence": "sentence",
    "Requirement": "requirement",
    "Registration": "registration",
    "Contact": "contact",
    "ContactConnection": "contact_page",
    "ContactEdge": "contact_edge",
    "PageInfo": "page_info",
    "CodedValue": "coded",
}
"""The GraphQL types whose fields the vocabulary can name, by entity."""


OPTION_ARGUMENTS = frozenset({"first", "activeOnly"})
"""The arguments a projected relation reads as options of its SQL."""


def is_option_argument(field: str, argument: str) -> bool:
    """Whether this argument of a field so named may be an option of a projected read. A
    variable given to it makes a plan per value, so the value is known at compile time."""
    return argument in OPTION_ARGUMENTS and field in _RELATION_FIELDS


def project(selection: Selection) -> ProjectedFields | None:
    """The projected read for a ``Case`` selection, or None when no field qualifies."""
    relations: list[Relation] = []
    fields: list[FieldPlan] = []
    page_sizes: list[int] = []
    for plan in selection.fields:
        sizes: list[int] = []
        try:
            relation = _relation(plan, "case", sizes)
        except NotProjectable:
            continue
        relations.append(relation)
        fields.append(plan)
        page_sizes.extend(sizes)
    if not relations:
        return None
    return ProjectedFields(
        projection=CaseProjection(tuple(relations)),
        fields=tuple(fields),
        keys=frozenset(plan.key for plan in fields),
        page_sizes=tuple(page_sizes),
    )


def _relation(plan: FieldPlan, entity: str, sizes: list[int]) -> Relation:
    name = to_snake_case(plan.name)
    leads_to = target(entity, name)
    selection = plan.selection
    if leads_to is None or selection is None:
        raise NotProjectable(f"{entity}.{name}")
    if ENTITY_OF_TYPE.get(selection_type(plan)) != leads_to:
        raise NotProjectable(f"{entity}.{name}: type")
    options = _options(plan, entity, name)
    if options.get("first"):
        sizes.append(options["first"])
    nested = tuple(_field(sub, leads_to, sizes) for sub in selection.fields)
    return Relation(plan.key, name, nested, **options)


def _field(plan: FieldPlan, entity: str, sizes: list[int]) -> Field:
    if plan.selection is not None:
        return _relation(plan, entity, sizes)
    name = to_snake_case(plan.name)
    if plan.name == "__typename" or target(entity, name) is not None or plan.args != {}:
        raise NotProjectable(f"{entity}.{plan.name}")
    return Column(plan.key, name)


def _options(plan: FieldPlan, entity: str, name: str) -> dict[str, Any]:
    """Arguments, known at compile time (written in the document, or given by variables
    the plan was compiled for), as projection options."""
    args = plan.args
    if args is None:
        raise NotProjectable(f"{entity}.{name}: arguments from variables")
    if entity == "case" and name == "contacts":
        first = args.get("first")
        if args.get("after") is not None or args.get("filter") is not None:
            raise NotProjectable("contacts: after or filter")
        if not isinstance(first, int) or first < 1 or set(args) - {"first", "after", "filter"}:
            raise NotProjectable("contacts: first")
        return {"first": first}
    if set(args) - {"activeOnly"}:
        raise NotProjectable(f"{entity}.{name}: arguments")
    return {"active_only": bool(args["activeOnly"])} if "activeOnly" in args else {}


def selection_type(plan: FieldPlan) -> str:
    """The name of the object type a field's selection is on."""
    definition = plan.definition
    return "" if definition is None else get_named_type(definition.type).name


_RELATION_FIELDS = frozenset(
    to_camel_case(name) for names in VOCABULARY.values() for name, leads in names.items() if leads
)

"""The shape of a compiled plan: selections of fields, each knowing where its value comes from.

``plan`` builds these trees, ``projection`` marks the parts one projected read answers and
``run`` walks them; they hold no behaviour of their own, so each of those modules can
import them without importing the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from graphql import FieldNode, GraphQLField

from adapters.projection import CaseProjection
from executor.specs import Args, Spec


class Shape(IntEnum):
    """A field's shape: a scalar, an object, a list of scalars, a list of objects."""

    LEAF = 0
    OBJECT = 1
    LEAF_LIST = 2
    OBJECT_LIST = 3


LEAF, OBJECT, LEAF_LIST, OBJECT_LIST = Shape.LEAF, Shape.OBJECT, Shape.LEAF_LIST, Shape.OBJECT_LIST


@dataclass(eq=False, slots=True)
class FieldPlan:
    """One response key of one selection: where its value comes from and its shape."""

    key: str
    position: int
    parent: str
    name: str
    nodes: list[FieldNode]
    spec: Spec
    kind: Shape
    non_null: bool
    item_non_null: bool
    serialize: Callable[[Any], Any] | None
    args: Args | None
    definition: GraphQLField | None
    selection: Selection | None = None
    by_type: dict[str, Selection] | None = None
    """For a union or interface: one selection per possible object type, by its name
    (``selection`` is then None); the value's own type picks one at run time."""


@dataclass(eq=False, slots=True)
class Selection:
    """The fields of one object type, in response order. ``pure``: no I/O, no errors.
    ``projected``: the fields of a case that one projected read answers."""

    fields: list[FieldPlan] = field(default_factory=list)
    pure: bool = True
    projected: ProjectedFields | None = None


def selects(selection: Selection, name: str) -> bool:
    """Whether a selection asks for the field so named (under any response key)."""
    return any(field.name == name for field in selection.fields)


@dataclass(frozen=True, slots=True, eq=False)
class ProjectedFields:
    """The fields of one Case selection that a single projected read answers."""

    projection: CaseProjection
    fields: tuple[FieldPlan, ...]
    """The Case fields it answers, in the projection's order."""
    keys: frozenset[str]
    page_sizes: tuple[int, ...]
    """``contacts(first:)`` values, checked against the limits per request."""

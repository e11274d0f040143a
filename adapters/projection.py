"""Projections: the parts of a case to read in one go, named in record terms.

A projection is a tree of the record fields and relations a caller wants, each written
under a key the caller chooses. ``VOCABULARY`` says what can be asked for: per entity,
each name is a column (``None``) or a relation to another entity. A backend that answers
projections reads every field exactly as its per-relation reads decode it, so a
projected answer equals the records it would otherwise return.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN = None
"""A name of the vocabulary that is a plain value, not a relation."""

VOCABULARY: dict[str, dict[str, str | None]] = {
    "case": {
        "manager": "manager",
        "manager_history": "manager",
        "events": "event",
        "registrations": "registration",
        "next_appointment": "contact",
        "contacts": "contact_page",
    },
    "manager": {
        "allocated_on": COLUMN,
        "ended_on": COLUMN,
        "staff": "staff",
        "team": "team",
        "provider": "provider",
    },
    "staff": {
        "code": COLUMN,
        "forename": COLUMN,
        "surname": COLUMN,
        "unallocated": COLUMN,
        "grade": "coded",
    },
    "team": {"code": COLUMN, "description": COLUMN, "telephone": COLUMN, "provider": "provider"},
    "provider": {"code": COLUMN, "description": COLUMN, "is_private": COLUMN},
    "event": {
        "number": COLUMN,
        "active": COLUMN,
        "referral_date": COLUMN,
        "conviction_date": COLUMN,
        "in_breach": COLUMN,
        "sentence": "sentence",
    },
    "sentence": {
        "type": "coded",
        "date": COLUMN,
        "length": COLUMN,
        "length_units": COLUMN,
        "expected_end_date": COLUMN,
        "termination_date": COLUMN,
        "requirements": "requirement",
    },
    "requirement": {
        "category": "coded",
        "sub_category": "coded",
        "length": COLUMN,
        "length_units": COLUMN,
        "start_date": COLUMN,
        "termination_date": COLUMN,
        "active": COLUMN,
    },
    "registration": {
        "type": "coded",
        "colour": COLUMN,
        "level": "coded",
        "category": "coded",
        "registered_on": COLUMN,
        "next_review_on": COLUMN,
        "review_overdue": COLUMN,
        "active": COLUMN,
    },
    "contact": {
        "id": COLUMN,
        "type": "coded",
        "is_appointment": COLUMN,
        "date": COLUMN,
        "start": COLUMN,
        "end": COLUMN,
        "outcome": "coded",
        "attended": COLUMN,
        "complied": COLUMN,
        "sensitive": COLUMN,
        "event_number": COLUMN,
        "version": COLUMN,
    },
    "contact_page": {"edges": "contact_edge", "page_info": "page_info", "total_count": COLUMN},
    "contact_edge": {"node": "contact"},
    "page_info": {"has_next_page": COLUMN},
    "coded": {"code": COLUMN, "description": COLUMN},
}
"""Entity -> name -> ``None`` for a column, or the entity a relation leads to.

Values are JSON: dates as ISO dates, instants as ISO date-times in Europe/London,
flags as booleans, ids of contacts as text. Lists are in the order of the per-relation
reads; ``events``, ``registrations`` and ``requirements`` honour ``active_only``;
``contacts`` is the first page (``first``) of live contacts, newest first.
"""

MAY_BE_MISSING: frozenset[tuple[str, str]] = frozenset({("team", "provider")})
"""Relations a record always has in the graph, but that legacy data can leave without a
row (a team of an establishment, not a provider): a case missing one reads as incomplete."""


@dataclass(frozen=True, slots=True)
class Column:
    """One value, written under ``key``."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Relation:
    """A related record (or list of them), written under ``key`` with its own fields."""

    key: str
    name: str
    fields: tuple[Column | Relation, ...]
    active_only: bool = False
    first: int = 0


Field = Column | Relation


@dataclass(frozen=True, slots=True)
class CaseProjection:
    """The fields of a case to read, each under its key, in output order.

    Projections key caches on every request, so the tree's hash is computed once.
    """

    fields: tuple[Relation, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.fields))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True, slots=True)
class ProjectedCase:
    """One case's projected fields: each field's value as compact JSON text (the bytes a
    standard encoder writes for it), in the projection's order."""

    values: tuple[str, ...]
    complete: bool
    """False when a relation of ``MAY_BE_MISSING`` had no row: read the case another way."""


class NotProjectable(ValueError):
    """A field the vocabulary has no name for."""


def target(entity: str, name: str) -> str | None:
    """The entity ``name`` leads to (``None`` for a column); NotProjectable if unknown."""
    names = VOCABULARY.get(entity, {})
    if name not in names:
        raise NotProjectable(f"{entity}.{name}")
    return names[name]

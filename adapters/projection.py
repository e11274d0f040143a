"""Projections: the parts of a case to read in one go, named in record terms.

A projection is a tree of the record fields and relations a caller wants, each written
under a key the caller chooses. ``VOCABULARY`` says what can be asked for: per entity,
each name is a column (``None``) or a relation to another entity. A backend that answers
projections reads every field exactly as its per-relation reads decode it, so a
projected answer equals the records it would otherwise return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from adapters import records

COLUMN = None
"""A name of the vocabulary that is a plain value, not a relation."""


def _record(
    record: type,
    relations: Mapping[str, str] | None = None,
    *,
    without: frozenset[str] = frozenset(),
) -> dict[str, str | None]:
    """An entity named as its record names its fields (the one list of them): each field a
    column unless ``relations`` says where it leads; ``relations`` may add relations the
    record reaches by id; ``without`` are the fields a projection cannot ask for (keys,
    and values a rule decides)."""
    leads = dict(relations or {})
    names = [f.name for f in fields(record) if f.name not in without]
    return {**{name: leads.pop(name, COLUMN) for name in names}, **leads}


_KEYS = frozenset({"id", "offender_id"})

VOCABULARY: dict[str, dict[str, str | None]] = {
    "case": {
        "manager": "manager",
        "manager_history": "manager",
        "events": "event",
        "registrations": "registration",
        "next_appointment": "contact",
        "contacts": "contact_page",
    },
    "manager": _record(
        records.ManagerRecord,
        {"staff": "staff", "team": "team", "provider": "provider"},
        without=_KEYS | {"active"},
    ),
    "staff": _record(
        records.StaffRecord, {"grade": "coded"}, without=frozenset({"id", "provider_id"})
    ),
    "team": _record(
        records.TeamRecord, {"provider": "provider"}, without=frozenset({"id", "provider_id"})
    ),
    "provider": _record(records.ProviderRecord, without=frozenset({"id"})),
    "event": _record(
        records.EventRecord,
        {"main_offence": "offence", "additional_offences": "offence", "sentence": "sentence"},
        without=_KEYS,
    ),
    "offence": _record(records.OffenceRecord, without=frozenset({"event_id", "main"})),
    "sentence": _record(
        records.SentenceRecord,
        {"type": "coded", "requirements": "requirement"},
        without=frozenset({"id", "event_id"}),
    ),
    "requirement": _record(
        records.RequirementRecord,
        {"category": "coded", "sub_category": "coded"},
        without=frozenset({"id", "sentence_id"}),
    ),
    "registration": _record(
        records.RegistrationRecord,
        {"type": "coded", "level": "coded", "category": "coded"},
        without=_KEYS,
    ),
    "contact": _record(
        records.ContactRecord,
        {"type": "coded", "outcome": "coded"},
        without=frozenset({"offender_id", "notes", "staff_id", "team_id", "provider_id"}),
    ),
    "contact_page": {"edges": "contact_edge", "page_info": "page_info", "total_count": COLUMN},
    "contact_edge": {"node": "contact"},
    "page_info": {"has_next_page": COLUMN},
    "coded": _record(records.CodedValue),
}
"""Entity -> name -> ``None`` for a column, or the entity a relation leads to.

Names are the record fields of ``adapters.records``. Values are JSON: dates as ISO dates,
instants as ISO date-times in Europe/London, flags as booleans, ids of contacts as text.
Lists are in the order of the per-relation reads; ``events``, ``registrations`` and
``requirements`` honour ``active_only``; ``contacts`` is the first page (``first``) of live
contacts, newest first.
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

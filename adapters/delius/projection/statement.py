"""The one statement of a projection: every entity's SQL assembled, as JSON built by PostgreSQL.

PostgreSQL writes the JSON as compact text (``to_json`` for each value, concatenated), the
exact bytes a standard encoder gives for the same values, so callers can pass it on
unparsed. Each entity's SQL is in ``entities``; statements are built once per projection
and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from adapters.delius.projection.base import CASES, MISSING, Scope
from adapters.delius.projection.entities import COLUMNS, RELATIONS
from adapters.delius.projection.json_sql import json_value, opening_key, text_literal
from adapters.projection import (
    MAY_BE_MISSING,
    CaseProjection,
    Column,
    Field,
    NotProjectable,
    ProjectedCase,
    target,
)

_MAX_FIELDS = 48  # concat() takes at most 100 arguments, two per field


class Statement:
    """Builds one statement; every table gets an alias of its own.

    A case's own relations (its managers, events, registrations) are read for all the
    statement's cases at once, one grouped read per relation joined on the offender id;
    the relations below them are read per row, inside those reads.
    """

    def __init__(self) -> None:
        self._count = 0
        self.per_case_reads: list[tuple[str, str]] = []
        """(alias, SELECT of ``offender_id, value``) for each relation read per case."""

    def aliases(self, *stems: str) -> dict[str, str]:
        """Fresh aliases for the tables of one subquery, by stem."""
        self._count += 1
        return {stem: f"{stem}{self._count}" for stem in stems}

    def object(self, entity: str, fields: Sequence[Field], scope: Scope) -> str:
        """The JSON text of ``fields`` of one row of ``entity``, keys in the given order."""
        if len(fields) > _MAX_FIELDS:
            raise NotProjectable(f"{entity}: more than {_MAX_FIELDS} fields")
        if not fields:
            return "'{}'"
        parts: list[str] = []
        for index, field in enumerate(fields):
            parts += [opening_key(index, field.key), self.value(entity, field, scope)]
        return f"concat({', '.join(parts)}, '}}')"

    def value(self, entity: str, field: Field, scope: Scope) -> str:
        """One field's JSON text, never NULL."""
        kind = target(entity, field.name)
        if isinstance(field, Column):
            if kind is not None:
                raise NotProjectable(f"{entity}.{field.name} is a relation")
            return json_value(COLUMNS[entity][field.name](scope))
        if kind is None:
            raise NotProjectable(f"{entity}.{field.name} is a column")
        absent = text_literal(MISSING) if (entity, field.name) in MAY_BE_MISSING else "'null'"
        return f"COALESCE({RELATIONS[entity][field.name](self, field, scope)}, {absent})"

    def per_case(self, select: str) -> str:
        """The value of a read giving at most one ``(offender_id, value)`` row per case."""
        alias = f"per_case{len(self.per_case_reads) + 1}"
        self.per_case_reads.append((alias, select))
        return f"{alias}.value"

    def array_per_case(self, element: str, order: str, key: str, source: str) -> str:
        """A JSON array of ``element`` over each case's ``source`` rows (whose offender id
        is ``key``); ``[]`` for a case with none."""
        grouped = self.per_case(
            f"SELECT {key} AS offender_id, {_json_array(element, order)} AS value "
            f"{source} GROUP BY {key}"
        )
        return f"COALESCE({grouped}, '[]')"

    def array(self, element: str, order: str, source: str) -> str:
        """A JSON array of ``element`` over ``source`` rows; ``[]`` when there are none."""
        return f"(SELECT COALESCE({_json_array(element, order)}, '[]') {source})"


def _json_array(element: str, order: str) -> str:
    """The JSON array of ``element`` over a group's rows, in ``order``; NULL for none."""
    return f"'[' || string_agg({element}, ',' ORDER BY {order}) || ']'"


@lru_cache(maxsize=256)
def projection_statement(projection: CaseProjection) -> str:
    """The one statement that reads ``projection`` for every case in ``$1``.

    Raises NotProjectable for a field the vocabulary does not have.
    """
    statement = Statement()
    values = [statement.value("case", field, {"o": "o"}) for field in projection.fields]
    joins = "".join(
        f" LEFT JOIN ({select}) {alias} ON {alias}.offender_id = o.offender_id"
        for alias, select in statement.per_case_reads
    )
    return (
        f"SELECT o.offender_id, {', '.join(values)} FROM offender o{joins} "
        f"WHERE o.offender_id = {CASES}"
    )


def projected_case(values: tuple[str, ...]) -> ProjectedCase:
    """A case's projected texts; incomplete when a relation the graph promises had no row."""
    complete = not any(_MISSING_MARK in value for value in values)
    return ProjectedCase(values=values, complete=complete)


_MISSING_MARK = MISSING[1:-1]

"""Projected reads: a case's selected relations in one statement, as JSON built by PostgreSQL.

PostgreSQL writes the JSON as compact text (``to_json`` for each value, concatenated), the
exact bytes a standard encoder gives for the same values, so callers can pass it on
unparsed. Each entity's SQL is in ``projection_sql``; statements are built once per
projection and cached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from adapters.delius.database import Database
from adapters.delius.json_sql import json_value, opening_key, text_literal
from adapters.delius.projection_sql import COLUMNS, MISSING, RELATIONS, Scope
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
    """Builds one statement; every table gets an alias of its own."""

    def __init__(self) -> None:
        self._count = 0

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

    def array(self, element: str, order: str, source: str) -> str:
        """A JSON array of ``element`` over ``source`` rows; ``[]`` when there are none."""
        return (
            f"(SELECT COALESCE('[' || string_agg({element}, ',' ORDER BY {order}) || ']', '[]') "
            f"{source})"
        )


@lru_cache(maxsize=256)
def projection_statement(projection: CaseProjection) -> str:
    """The one statement that reads ``projection`` for every case in ``$1``.

    Raises NotProjectable for a field the vocabulary does not have.
    """
    statement = Statement()
    values = [statement.value("case", field, {"o": "o"}) for field in projection.fields]
    return (
        f"SELECT o.offender_id, {', '.join(values)} FROM offender o "
        "WHERE o.offender_id = ANY($1::bigint[])"
    )


class ProjectionQueries:
    """Reads of many cases' selected relations, one statement per projection."""

    _db: Database

    async def case_projections(
        self, offender_ids: Sequence[int], projection: CaseProjection
    ) -> Mapping[int, ProjectedCase]:
        """Each case's projected fields as compact JSON texts, in the projection's order."""
        rows = await self._db.fetch(projection_statement(projection), list(offender_ids))
        return {row[0]: projected_case(tuple(row[1:])) for row in rows}


def projected_case(values: tuple[str, ...]) -> ProjectedCase:
    """A case's projected texts; incomplete when a relation the graph promises had no row."""
    complete = not any(_MISSING_MARK in value for value in values)
    return ProjectedCase(values=values, complete=complete)


_MISSING_MARK = MISSING[1:-1]

"""The adapter's projected read: many cases' selected relations, one statement per projection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.delius.database import Database
from adapters.delius.projection.statement import projected_case, projection_statement
from adapters.projection import CaseProjection, ProjectedCase


class ProjectionQueries:
    """Reads of many cases' selected relations, one statement per projection."""

    _db: Database

    async def case_projections(
        self, offender_ids: Sequence[int], projection: CaseProjection
    ) -> Mapping[int, ProjectedCase]:
        """Each case's projected fields as compact JSON texts, in the projection's order."""
        rows = await self._db.fetch(projection_statement(projection), list(offender_ids))
        return {row[0]: projected_case(tuple(row[1:])) for row in rows}

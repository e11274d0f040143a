"""Lists of cases: a practitioner's caseload, and the person search."""

from __future__ import annotations

from typing import Any

from adapters.delius.database import Database
from adapters.delius.people import CASE_COLUMNS, CASE_JOINS, case_record
from adapters.queries import CaseloadPosition, CaseSearchSpec
from adapters.records import CasePage

_CASELOAD = f"""
WITH caseload AS (
    SELECT DISTINCT om.offender_id
    FROM offender_manager om
    JOIN staff s ON s.staff_id = om.allocation_staff_id
    JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
    WHERE s.officer_code = $1::bpchar AND om.active_flag = 1 AND om.soft_deleted = 0
      AND ($6::bpchar IS NULL OR pa.code = $6::bpchar)
)
SELECT {CASE_COLUMNS},
       (SELECT count(*) FROM caseload cl JOIN offender o2 ON o2.offender_id = cl.offender_id
        WHERE o2.soft_deleted = 0) AS total
FROM caseload cl
JOIN offender o ON o.offender_id = cl.offender_id AND o.soft_deleted = 0
{CASE_JOINS}
WHERE ($2::text IS NULL OR (o.surname, o.first_name, o.crn) > ($2::text, $3::text, $4::bpchar))
ORDER BY o.surname, o.first_name, o.crn
LIMIT $5
"""


def normalise_pnc(value: str) -> str:
    """PNC numbers are compared without case or surrounding blanks."""
    return value.strip().upper()


class CaseListQueries:
    """Reads that return pages of cases."""

    _db: Database

    async def caseload(
        self,
        staff_code: str,
        first: int,
        after: CaseloadPosition | None,
        held_by: str | None = None,
    ) -> CasePage:
        """The live cases whose active manager is this member of staff, by surname.

        ``held_by`` keeps only cases whose current manager belongs to that provider.
        """
        rows = await self._db.fetch(
            _CASELOAD,
            staff_code,
            after.surname if after else None,
            after.forename if after else None,
            after.crn if after else None,
            first + 1,
            held_by,
        )
        total = rows[0]["total"] if rows else None
        if total is None and after is None:
            total = 0
        cases = tuple(case_record(row) for row in rows[:first])
        return CasePage(cases=cases, has_next=len(rows) > first, total_count=total)

    async def search_cases(
        self, spec: CaseSearchSpec, first: int, offset: int, held_by: str | None = None
    ) -> CasePage:
        """Cases matching every given criterion; by name likeness first when a name is given.

        ``held_by`` keeps only cases whose current manager belongs to that provider.
        """
        conditions: list[str] = []
        args: list[Any] = []

        def param(value: Any) -> str:
            args.append(value)
            return f"${len(args)}"

        order = "o.surname, o.first_name, o.crn"
        if spec.name:
            # pg_trgm lives in the casegraph schema: name it, so no search_path is needed.
            name = param(spec.name.strip().lower())
            conditions.append(f"{name} OPERATOR(casegraph.<%) ps.search_name")
            order = (
                f"casegraph.word_similarity({name}, ps.search_name)"
                f" + casegraph.similarity({name}, ps.search_name) DESC, {order}"
            )
        if spec.date_of_birth is not None:
            conditions.append(f"ps.date_of_birth = {param(spec.date_of_birth)}")
        if spec.pnc_number:
            conditions.append(f"ps.pnc_number = {param(normalise_pnc(spec.pnc_number))}")
        if spec.noms_number:
            conditions.append(f"ps.noms_number = {param(spec.noms_number.strip().upper())}")
        if held_by is not None:
            conditions.append(
                "EXISTS (SELECT 1 FROM offender_manager om JOIN probation_area pa"
                " ON pa.probation_area_id = om.probation_area_id"
                " WHERE om.offender_id = o.offender_id AND om.active_flag = 1"
                f" AND om.soft_deleted = 0 AND pa.code = {param(held_by)}::bpchar)"
            )
        sql = f"""
            SELECT {CASE_COLUMNS}, count(*) OVER () AS total
            FROM casegraph.person_search ps
            JOIN offender o ON o.offender_id = ps.offender_id AND o.soft_deleted = 0
            {CASE_JOINS}
            WHERE {" AND ".join(conditions)}
            ORDER BY {order}
            OFFSET {param(offset)} LIMIT {param(first + 1)}
        """
        rows = await self._db.fetch(sql, *args)
        total = rows[0]["total"] if rows else (0 if offset == 0 else None)
        cases = tuple(case_record(row) for row in rows[:first])
        return CasePage(cases=cases, has_next=len(rows) > first, total_count=total)

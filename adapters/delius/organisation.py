"""Providers, teams and staff, and the offender manager allocations that link cases to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

from adapters.delius import decode
from adapters.delius.database import Database
from adapters.records import ManagerRecord, ProviderRecord, StaffRecord, TeamRecord

_PROVIDER_COLUMNS = "pa.probation_area_id, pa.code, pa.description, pa.private"
_PROVIDERS_BY_ID = f"""
SELECT {_PROVIDER_COLUMNS} FROM probation_area pa
WHERE pa.probation_area_id = ANY($1::bigint[]) AND pa.institution_id IS NULL
"""
_PROVIDERS_BY_CODE = f"""
SELECT {_PROVIDER_COLUMNS} FROM probation_area pa
WHERE pa.code = ANY($1::bpchar[]) AND pa.institution_id IS NULL
"""

_TEAM_COLUMNS = "tm.team_id, tm.code, tm.description, tm.telephone, tm.probation_area_id"
_TEAMS_BY_ID = f"SELECT {_TEAM_COLUMNS} FROM team tm WHERE tm.team_id = ANY($1::bigint[])"
_TEAMS_BY_CODE = f"SELECT {_TEAM_COLUMNS} FROM team tm WHERE tm.code = ANY($1::bpchar[])"
_TEAMS_BY_STAFF = f"""
SELECT st.staff_id, {_TEAM_COLUMNS}
FROM staff_team st JOIN team tm ON tm.team_id = st.team_id
WHERE st.staff_id = ANY($1::bigint[])
  AND (tm.end_date IS NULL OR tm.end_date > CURRENT_DATE)
ORDER BY st.staff_id, tm.code
"""

_STAFF_COLUMNS = """
    s.staff_id, s.officer_code, s.forename, s.surname, s.probation_area_id,
    gr.code_value AS grade_code, gr.code_description AS grade_description
"""


def staff_grade(s: str, gr: str) -> str:
    """The join from a member of staff to their grade, which may be missing."""
    return (
        f"LEFT JOIN r_standard_reference_list {gr} "
        f"ON {gr}.standard_reference_list_id = {s}.staff_grade_id"
    )


_STAFF_GRADE = staff_grade("s", "gr")
_STAFF_BY_ID = (
    f"SELECT {_STAFF_COLUMNS} FROM staff s {_STAFF_GRADE} WHERE s.staff_id = ANY($1::bigint[])"
)
_STAFF_BY_CODE = (
    f"SELECT {_STAFF_COLUMNS} FROM staff s {_STAFF_GRADE} WHERE s.officer_code = ANY($1::bpchar[])"
)


def manager_tables(om: str, s: str, tm: str, pa: str, gr: str) -> str:
    """An allocation with its member of staff (and grade), team and provider, by alias."""
    return f"""offender_manager {om}
JOIN staff {s} ON {s}.staff_id = {om}.allocation_staff_id
JOIN team {tm} ON {tm}.team_id = {om}.team_id
JOIN probation_area {pa} ON {pa}.probation_area_id = {om}.probation_area_id
{staff_grade(s, gr)}"""


def manager_order(om: str) -> str:
    """A case's allocations: the active one first, then newest first."""
    return f"{om}.active_flag DESC, {om}.allocation_date DESC, {om}.offender_manager_id DESC"


_MANAGER_COLUMNS = f"""om.offender_manager_id, om.offender_id, om.allocation_date,
       om.end_date, om.active_flag, {_STAFF_COLUMNS},
       tm.team_id, tm.code AS team_code, tm.description AS team_description,
       tm.telephone AS team_telephone, tm.probation_area_id AS team_provider_id,
       pa.probation_area_id AS provider_id, pa.code AS provider_code,
       pa.description AS provider_description, pa.private AS provider_private"""
"""What ``_manager`` reads from an allocation row (``manager_tables``' aliases)."""

_MANAGERS = f"""
SELECT {_MANAGER_COLUMNS}
FROM {manager_tables("om", "s", "tm", "pa", "gr")}
WHERE om.offender_id = ANY($1::bigint[]) AND om.soft_deleted = 0
ORDER BY om.offender_id, {manager_order("om")}
"""

_MANAGERS_BY_CRN = f"""
SELECT o.crn, {_MANAGER_COLUMNS}
FROM {manager_tables("om", "s", "tm", "pa", "gr")}
JOIN offender o ON o.offender_id = om.offender_id
WHERE o.crn = ANY($1::bpchar[]) AND o.soft_deleted = 0 AND om.soft_deleted = 0
ORDER BY om.offender_id, {manager_order("om")}
"""


def _provider(row: asyncpg.Record) -> ProviderRecord:
    return ProviderRecord(
        id=row["probation_area_id"],
        code=row["code"].strip(),
        description=row["description"],
        is_private=decode.one(row["private"]),
    )


def _team(row: asyncpg.Record) -> TeamRecord:
    return TeamRecord(
        id=row["team_id"],
        code=row["code"].strip(),
        description=row["description"],
        telephone=decode.text(row["telephone"]),
        provider_id=row["probation_area_id"],
    )


def _staff(row: asyncpg.Record) -> StaffRecord:
    code = row["officer_code"].strip()
    return StaffRecord(
        id=row["staff_id"],
        code=code,
        forename=row["forename"],
        surname=row["surname"],
        grade=decode.coded(row["grade_code"], row["grade_description"]),
        provider_id=row["probation_area_id"],
        unallocated=code.endswith("U"),
    )


def _manager(row: asyncpg.Record) -> ManagerRecord:
    return ManagerRecord(
        id=row["offender_manager_id"],
        offender_id=row["offender_id"],
        staff=_staff(row),
        team=TeamRecord(
            id=row["team_id"],
            code=row["team_code"].strip(),
            description=row["team_description"],
            telephone=decode.text(row["team_telephone"]),
            provider_id=row["team_provider_id"],
        ),
        provider=ProviderRecord(
            id=row["provider_id"],
            code=row["provider_code"].strip(),
            description=row["provider_description"],
            is_private=decode.one(row["provider_private"]),
        ),
        allocated_on=row["allocation_date"],
        ended_on=row["end_date"],
        active=decode.one(row["active_flag"]),
    )


class OrganisationQueries:
    """Reads of providers, teams, staff and manager allocations."""

    _db: Database

    async def providers_by_id(self, ids: Sequence[int]) -> Mapping[int, ProviderRecord]:
        """Providers by surrogate id."""
        return {p.id: p for p in map(_provider, await self._db.fetch(_PROVIDERS_BY_ID, list(ids)))}

    async def providers_by_code(self, codes: Sequence[str]) -> Mapping[str, ProviderRecord]:
        """Providers by code (e.g. N07, C01)."""
        rows = await self._db.fetch(_PROVIDERS_BY_CODE, list(codes))
        return {p.code: p for p in map(_provider, rows)}

    async def teams_by_id(self, ids: Sequence[int]) -> Mapping[int, TeamRecord]:
        """Teams by surrogate id."""
        return {t.id: t for t in map(_team, await self._db.fetch(_TEAMS_BY_ID, list(ids)))}

    async def teams_by_code(self, codes: Sequence[str]) -> Mapping[str, TeamRecord]:
        """Teams by code (e.g. N07T01)."""
        return {t.code: t for t in map(_team, await self._db.fetch(_TEAMS_BY_CODE, list(codes)))}

    async def teams_by_staff(
        self, staff_ids: Sequence[int]
    ) -> Mapping[int, tuple[TeamRecord, ...]]:
        """The current teams of each member of staff."""
        grouped: dict[int, list[TeamRecord]] = {}
        for row in await self._db.fetch(_TEAMS_BY_STAFF, list(staff_ids)):
            grouped.setdefault(row["staff_id"], []).append(_team(row))
        return {key: tuple(value) for key, value in grouped.items()}

    async def staff_by_id(self, ids: Sequence[int]) -> Mapping[int, StaffRecord]:
        """Staff by surrogate id."""
        return {s.id: s for s in map(_staff, await self._db.fetch(_STAFF_BY_ID, list(ids)))}

    async def staff_by_code(self, codes: Sequence[str]) -> Mapping[str, StaffRecord]:
        """Staff by officer code (e.g. N07A012)."""
        rows = await self._db.fetch(_STAFF_BY_CODE, list(codes))
        return {s.code: s for s in map(_staff, rows)}

    async def managers_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[ManagerRecord, ...]]:
        """Every live manager allocation of each case: active first, then newest first."""
        grouped: dict[int, list[ManagerRecord]] = {}
        for row in await self._db.fetch(_MANAGERS, list(offender_ids)):
            grouped.setdefault(row["offender_id"], []).append(_manager(row))
        return {key: tuple(value) for key, value in grouped.items()}

    async def managers_by_crn(
        self, crns: Sequence[str]
    ) -> Mapping[str, tuple[int, tuple[ManagerRecord, ...]]]:
        """``managers_by_offender`` keyed by CRN, with each case's offender id: for a
        reader that knows only the CRN yet (the case itself is being read beside it)."""
        grouped: dict[str, tuple[int, list[ManagerRecord]]] = {}
        for row in await self._db.fetch(_MANAGERS_BY_CRN, list(crns)):
            crn = row["crn"].strip()
            grouped.setdefault(crn, (row["offender_id"], []))[1].append(_manager(row))
        return {crn: (offender_id, tuple(found)) for crn, (offender_id, found) in grouped.items()}

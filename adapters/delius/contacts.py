"""Contacts: the case's activity log, paged newest first, and the next appointment.

Contact times are stored apart from their day: CONTACT_DATE holds the day and the
*_TIME columns hold a time of day on a meaningless date. Everything here sorts and
compares on (CONTACT_DATE, time of day, CONTACT_ID) and decodes the instant in
Europe/London.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from adapters.delius import decode
from adapters.delius.database import Database
from adapters.queries import ContactFilterSpec, ContactPageRequest, ContactPosition
from adapters.records import CodedValue, ContactPage, ContactRecord

_COLUMNS = """
    c.contact_id, c.offender_id, c.contact_date, c.contact_start_time, c.contact_end_time,
    c.attended, c.complied, c.notes, c.staff_id, c.team_id, c.probation_area_id, c.row_version,
    ct.code AS type_code, ct.description AS type_description, ct.attendance_contact,
    COALESCE(c.sensitive, ct.sensitive_contact) AS sensitive,
    ot.code AS outcome_code, ot.description AS outcome_description,
    e.event_number
"""


def contact_tables(c: str, ct: str, ot: str, e: str) -> str:
    """A contact with its type, its outcome and its live event, under the given aliases."""
    return f"""
    contact {c}
    JOIN r_contact_type {ct} ON {ct}.contact_type_id = {c}.contact_type_id
    LEFT JOIN r_contact_outcome_type {ot}
           ON {ot}.contact_outcome_type_id = {c}.contact_outcome_type_id
    LEFT JOIN event {e} ON {e}.event_id = {c}.event_id AND {e}.soft_deleted = 0
"""


def time_of_day(c: str) -> str:
    """A contact's time of day for ordering: its start time, or midnight without one."""
    return f"COALESCE({c}.contact_start_time::time, TIME '00:00')"


def newest_first(c: str) -> str:
    """The order of a case's activity log."""
    return f"{c}.contact_date DESC, {time_of_day(c)} DESC, {c}.contact_id DESC"


def earliest_first(c: str) -> str:
    """The order in which appointments come up."""
    return f"{c}.contact_date, {time_of_day(c)}, {c}.contact_id"


def upcoming_appointment(c: str, ct: str) -> str:
    """An appointment without an outcome yet, later today (from its start) or after."""
    return f"""{ct}.attendance_contact = 'Y' AND {c}.contact_outcome_type_id IS NULL
  AND ({c}.contact_date > CURRENT_DATE
       OR ({c}.contact_date = CURRENT_DATE
           AND ({c}.contact_start_time IS NULL OR {c}.contact_start_time::time >= LOCALTIME)))"""


_FROM = contact_tables("c", "ct", "ot", "e")

_NEXT_APPOINTMENTS = f"""
SELECT DISTINCT ON (c.offender_id) {_COLUMNS}
FROM {_FROM}
WHERE c.offender_id = ANY($1::bigint[]) AND c.soft_deleted = 0
  AND {upcoming_appointment("c", "ct")}
ORDER BY c.offender_id, {earliest_first("c")}
"""

_BY_ID = f"""
SELECT {_COLUMNS} FROM {_FROM}
WHERE c.contact_id = ANY($1::bigint[]) AND c.soft_deleted = 0
"""


def contact_record(row: asyncpg.Record) -> ContactRecord:
    """Decode a row selected with the contact columns."""
    day = row["contact_date"]
    return ContactRecord(
        id=row["contact_id"],
        offender_id=row["offender_id"],
        type=CodedValue(code=row["type_code"], description=row["type_description"]),
        is_appointment=decode.yes(row["attendance_contact"]),
        date=day,
        start=decode.wall_time(day, row["contact_start_time"]),
        end=decode.wall_time(day, row["contact_end_time"]),
        outcome=decode.coded(row["outcome_code"], row["outcome_description"]),
        attended=decode.yes_no(row["attended"]),
        complied=decode.yes_no(row["complied"]),
        sensitive=decode.yes(row["sensitive"]),
        notes=row["notes"],
        staff_id=row["staff_id"],
        team_id=row["team_id"],
        provider_id=row["probation_area_id"],
        event_number=decode.event_number(row["event_number"]),
        version=row["row_version"],
    )


class _Conditions:
    """Builds the WHERE clause of a contact filter, numbering parameters from $2."""

    def __init__(self) -> None:
        self.sql: list[str] = ["c.offender_id = k.offender_id", "c.soft_deleted = 0"]
        self.args: list[Any] = []

    def add(self, template: str, *values: Any) -> None:
        numbers = [f"${len(self.args) + 2 + i}" for i in range(len(values))]
        self.sql.append(template.format(*numbers))
        self.args.extend(values)

    @classmethod
    def of(cls, spec: ContactFilterSpec, after: ContactPosition | None = None) -> _Conditions:
        conditions = cls()
        if spec.date_from is not None:
            conditions.add("c.contact_date >= {}", spec.date_from)
        if spec.date_to is not None:
            conditions.add("c.contact_date <= {}", spec.date_to)
        if spec.appointments_only:
            conditions.sql.append("ct.attendance_contact = 'Y'")
        if spec.type_codes is not None:
            conditions.add("ct.code = ANY({}::text[])", list(spec.type_codes))
        if spec.event_number is not None:
            conditions.add("e.event_number = {}::text", str(spec.event_number))
        if after is not None:
            conditions.add(
                f"(c.contact_date, {time_of_day('c')}, c.contact_id) < ({{}}, {{}}, {{}})",
                after.date,
                after.time_of_day,
                after.contact_id,
            )
        return conditions


class ContactQueries:
    """Reads of contacts, batched over many cases."""

    _db: Database

    async def contact_pages(self, requests: Sequence[ContactPageRequest]) -> list[ContactPage]:
        """One page per request; requests that differ only in case share one statement."""
        groups: dict[tuple[int, ContactPosition | None, ContactFilterSpec], list[int]] = (
            defaultdict(list)
        )
        for request in requests:
            groups[(request.first, request.after, request.filter)].append(request.offender_id)
        found: dict[tuple[int, int, ContactPosition | None, ContactFilterSpec], ContactPage] = {}
        for (first, after, spec), offender_ids in groups.items():
            pages = await self._pages(offender_ids, first, after, spec)
            for offender_id in offender_ids:
                found[(offender_id, first, after, spec)] = pages.get(
                    offender_id, ContactPage(contacts=(), has_next=False)
                )
        return [found[(r.offender_id, r.first, r.after, r.filter)] for r in requests]

    async def _pages(
        self,
        offender_ids: list[int],
        first: int,
        after: ContactPosition | None,
        spec: ContactFilterSpec,
    ) -> dict[int, ContactPage]:
        if first <= 0:
            return {}
        conditions = _Conditions.of(spec, after)
        limit = f"${len(conditions.args) + 2}"
        sql = f"""
            SELECT page.* FROM unnest($1::bigint[]) AS k(offender_id)
            CROSS JOIN LATERAL (
                SELECT {_COLUMNS} FROM {_FROM}
                WHERE {" AND ".join(conditions.sql)}
                ORDER BY {newest_first("c")}
                LIMIT {limit}
            ) page
        """
        rows = await self._db.fetch(sql, offender_ids, *conditions.args, first + 1)
        grouped: dict[int, list[ContactRecord]] = defaultdict(list)
        for row in rows:
            grouped[row["offender_id"]].append(contact_record(row))
        return {
            offender_id: ContactPage(contacts=tuple(items[:first]), has_next=len(items) > first)
            for offender_id, items in grouped.items()
        }

    async def contact_counts(
        self, offender_ids: Sequence[int], spec: ContactFilterSpec
    ) -> Mapping[int, int]:
        """How many live contacts of each case match the filter."""
        conditions = _Conditions.of(spec)
        sql = f"""
            SELECT k.offender_id, count(c.contact_id) AS total
            FROM unnest($1::bigint[]) AS k(offender_id)
            LEFT JOIN ({_FROM}) ON {" AND ".join(conditions.sql)}
            GROUP BY k.offender_id
        """
        rows = await self._db.fetch(sql, list(offender_ids), *conditions.args)
        return {row["offender_id"]: row["total"] for row in rows}

    async def next_appointments(self, offender_ids: Sequence[int]) -> Mapping[int, ContactRecord]:
        """The earliest future appointment without an outcome, for each case that has one."""
        rows = await self._db.fetch(_NEXT_APPOINTMENTS, list(offender_ids))
        return {row["offender_id"]: contact_record(row) for row in rows}

    async def contacts_by_id(self, contact_ids: Sequence[int]) -> Mapping[int, ContactRecord]:
        """Live contacts by id."""
        rows = await self._db.fetch(_BY_ID, list(contact_ids))
        return {row["contact_id"]: contact_record(row) for row in rows}

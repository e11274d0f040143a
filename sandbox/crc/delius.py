"""Read the facts a CRC stand-in needs from the nDelius legacy tables (schema.sql).

A case belongs to a CRC when its live current offender manager (ACTIVE_FLAG 1, SOFT_DELETED 0)
is in a PROBATION_AREA with PRIVATE 1. Soft-deleted rows are filtered on every table that has
the column; CHAR codes are blank-padded, so they are trimmed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

import asyncpg

from sandbox.crc.facts import (
    AppointmentFacts,
    CrcCaseFacts,
    PractitionerFacts,
    TeamFacts,
    UnpaidWorkFacts,
)

_CASES = """
SELECT DISTINCT ON (o.crn)
       o.offender_id, rtrim(o.crn) AS crn, rtrim(pa.code) AS provider_code,
       rtrim(s.officer_code) AS officer_code, s.forename, s.surname,
       rtrim(t.code) AS team_code, t.description AS team_description, om.allocation_date
  FROM offender o
  JOIN offender_manager om ON om.offender_id = o.offender_id
                          AND om.active_flag = 1 AND om.soft_deleted = 0
  JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id AND pa.private = 1
  JOIN staff s ON s.staff_id = om.allocation_staff_id
  JOIN team t ON t.team_id = om.team_id
 WHERE o.soft_deleted = 0
 ORDER BY o.crn, om.allocation_date DESC, om.offender_manager_id DESC
"""

_EVENTS = """
SELECT offender_id, event_number FROM event
 WHERE soft_deleted = 0 AND active_flag = 1 AND offender_id = ANY($1::bigint[])
"""

_CONTACTS = """
SELECT c.offender_id, c.contact_id, c.contact_date, c.contact_start_time, c.contact_end_time,
       ct.code AS type_code, ct.description AS type_description,
       co.code AS outcome_code, co.description AS outcome_description,
       coalesce(c.attended, co.outcome_attendance) AS attended,
       coalesce(c.complied, co.outcome_compliant_acceptable) AS complied,
       c.external_reference, e.event_number
  FROM contact c
  JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
  LEFT JOIN r_contact_outcome_type co ON co.contact_outcome_type_id = c.contact_outcome_type_id
  LEFT JOIN event e ON e.event_id = c.event_id AND e.soft_deleted = 0
 WHERE c.soft_deleted = 0
   AND c.external_reference LIKE 'urn:uk:gov:crc:%:appointment:%'
   AND c.offender_id = ANY($1::bigint[])
"""

_UNPAID_WORK = """
SELECT r.offender_id, e.event_number, coalesce(r.length, 0) AS hours
  FROM rqmnt r
  JOIN r_rqmnt_type_main_category mc
    ON mc.rqmnt_type_main_category_id = r.rqmnt_type_main_category_id AND mc.code = 'W'
  JOIN disposal d ON d.disposal_id = r.disposal_id AND d.soft_deleted = 0
  JOIN event e ON e.event_id = d.event_id AND e.soft_deleted = 0
 WHERE r.soft_deleted = 0 AND r.offender_id = ANY($1::bigint[])
"""


async def facts_from_delius(dsn: str) -> list[CrcCaseFacts]:
    """Every case currently managed by a CRC, with its appointments and unpaid work."""
    connection = await asyncpg.connect(dsn)
    try:
        cases = await connection.fetch(_CASES)
        ids = [row["offender_id"] for row in cases]
        events = await connection.fetch(_EVENTS, ids)
        contacts = await connection.fetch(_CONTACTS, ids)
        unpaid = await connection.fetch(_UNPAID_WORK, ids)
    finally:
        await connection.close()
    events_by: dict[int, list[int]] = defaultdict(list)
    for row in events:
        number = _event_number(row["event_number"])
        if number is not None:
            events_by[row["offender_id"]].append(number)
    contacts_by: dict[int, list[AppointmentFacts]] = defaultdict(list)
    for row in contacts:
        contacts_by[row["offender_id"]].append(_appointment(row))
    unpaid_by: dict[int, list[UnpaidWorkFacts]] = defaultdict(list)
    for row in unpaid:
        number = _event_number(row["event_number"])
        if number is not None:
            unpaid_by[row["offender_id"]].append(UnpaidWorkFacts(number, int(row["hours"])))
    return [
        CrcCaseFacts(
            crn=row["crn"],
            provider_code=row["provider_code"],
            practitioner=PractitionerFacts(
                row["officer_code"], f"{row['forename']} {row['surname']}"
            ),
            team=TeamFacts(row["team_code"], row["team_description"]),
            allocation_date=row["allocation_date"],
            event_numbers=tuple(sorted(events_by[row["offender_id"]])),
            appointments=tuple(sorted(contacts_by[row["offender_id"]], key=lambda a: a.contact_id)),
            unpaid_work=tuple(sorted(unpaid_by[row["offender_id"]], key=lambda u: u.event_number)),
        )
        for row in cases
    ]


def _appointment(row: asyncpg.Record) -> AppointmentFacts:
    return AppointmentFacts(
        contact_id=row["contact_id"],
        contact_date=row["contact_date"],
        start_time=_time_of_day(row["contact_start_time"]),
        end_time=_time_of_day(row["contact_end_time"]),
        type_code=row["type_code"],
        type_description=row["type_description"],
        outcome_code=row["outcome_code"],
        outcome_description=row["outcome_description"],
        attended=_flag(row["attended"]),
        complied=_flag(row["complied"]),
        external_reference=row["external_reference"],
        event_number=_event_number(row["event_number"]),
    )


def _time_of_day(value: datetime | None) -> time | None:
    """Only the time of day counts: the date part of CONTACT_*_TIME is a dummy."""
    return value.time() if value is not None else None


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.strip() == "Y"


def _event_number(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None

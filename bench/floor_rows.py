"""The rows floor: raw asyncpg, no GraphQL. The same rows as the JSON floor, fetched one
statement per relation and written into the answer by hand.

    BENCH_FLOOR_DSN=postgresql://... uvicorn bench.floor_rows:create_app --factory

What a careful hand-written server without GraphQL pays to get the same rows into Python
and out as JSON. The cases are read first (their ids key everything else); then every
relation is read at once, each on its own pooled connection, by ``ANY($1)`` over those
ids. The JSON is the JSON floor's, key for key (bench/floor_sql.py), so the answers
cross-check. Limited-access cases answer null, as they do there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from bench.floor import DSN_VARIABLE, floor_app, floor_pool

_VISIBLE = "o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0"

CASES = f"""
SELECT o.offender_id, rtrim(o.crn) FROM offender o
WHERE o.crn = ANY($1::bpchar[]) AND {_VISIBLE}
"""

OVERVIEW_CASE = f"""
SELECT o.offender_id, rtrim(o.crn), o.first_name, o.second_name, o.third_name, o.surname,
       o.date_of_birth_date, t.code_value
FROM offender o
LEFT JOIN r_standard_reference_list t ON t.standard_reference_list_id = o.current_tier
WHERE o.crn = $1::bpchar AND {_VISIBLE}
"""

MANAGERS = """
SELECT DISTINCT ON (om.offender_id)
       om.offender_id, om.allocation_date, rtrim(s.officer_code), s.forename,
       rtrim(tm.code), rtrim(tp.code), rtrim(pa.code), pa.private = 1
FROM offender_manager om
JOIN staff s ON s.staff_id = om.allocation_staff_id
JOIN team tm ON tm.team_id = om.team_id
JOIN probation_area tp ON tp.probation_area_id = tm.probation_area_id
JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
WHERE om.offender_id = ANY($1::bigint[]) AND om.soft_deleted = 0 AND om.active_flag = 1
ORDER BY om.offender_id, om.allocation_date DESC, om.offender_manager_id DESC
"""

# Each active event with its sentence: the event's latest live disposal that has a type.
_EVENT_SENTENCES = """
FROM event e
LEFT JOIN LATERAL (
    SELECT d.disposal_id, d.disposal_date, dt.disposal_type_code
    FROM disposal d JOIN r_disposal_type dt ON dt.disposal_type_id = d.disposal_type_id
    WHERE d.event_id = e.event_id AND d.soft_deleted = 0
    ORDER BY d.active_flag DESC, d.disposal_date DESC, d.disposal_id DESC LIMIT 1
) d ON TRUE
WHERE e.offender_id = ANY($1::bigint[]) AND e.soft_deleted = 0 AND e.active_flag = 1
"""

EVENTS = f"""
SELECT e.offender_id, e.event_number::int, d.disposal_id, d.disposal_type_code, d.disposal_date
{_EVENT_SENTENCES}
ORDER BY e.offender_id, e.referral_date DESC, e.event_id
"""

REQUIREMENTS = f"""
SELECT r.disposal_id, mc.code, r.length, r.start_date
FROM rqmnt r
LEFT JOIN r_rqmnt_type_main_category mc
       ON mc.rqmnt_type_main_category_id = r.rqmnt_type_main_category_id
WHERE r.disposal_id IN (SELECT d.disposal_id {_EVENT_SENTENCES})
  AND r.soft_deleted = 0 AND r.active_flag = 1
ORDER BY r.disposal_id, r.start_date, r.rqmnt_id
"""

REGISTRATIONS = """
SELECT g.offender_id, rt.code, lv.code_value, COALESCE(g.next_review_date < CURRENT_DATE, FALSE)
FROM registration g
JOIN r_register_type rt ON rt.register_type_id = g.register_type_id
LEFT JOIN r_standard_reference_list lv ON lv.standard_reference_list_id = g.register_level_id
WHERE g.offender_id = ANY($1::bigint[]) AND g.soft_deleted = 0 AND g.deregistered = 0
ORDER BY g.offender_id, g.registration_date DESC, g.registration_id
"""

_TIME_OF_DAY = "COALESCE(c.contact_start_time::time, TIME '00:00')"

NEXT_APPOINTMENT = f"""
SELECT c.contact_id, c.contact_date, c.contact_start_time::time, ct.code
FROM contact c JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
WHERE c.offender_id = $1 AND c.soft_deleted = 0
  AND ct.attendance_contact = 'Y' AND c.contact_outcome_type_id IS NULL
  AND (c.contact_date > CURRENT_DATE
       OR (c.contact_date = CURRENT_DATE
           AND (c.contact_start_time IS NULL OR c.contact_start_time::time >= LOCALTIME)))
ORDER BY c.contact_date, {_TIME_OF_DAY}, c.contact_id LIMIT 1
"""

CONTACTS = f"""
SELECT c.contact_id, c.contact_date, ct.code, ot.code,
       (SELECT count(*) FROM contact n WHERE n.offender_id = $1 AND n.soft_deleted = 0)
FROM contact c
JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
LEFT JOIN r_contact_outcome_type ot ON ot.contact_outcome_type_id = c.contact_outcome_type_id
WHERE c.offender_id = $1 AND c.soft_deleted = 0
ORDER BY c.contact_date DESC, {_TIME_OF_DAY} DESC, c.contact_id DESC
LIMIT 10
"""

Json = dict[str, Any]


def managers_by_case(rows: Sequence[asyncpg.Record], staff: str) -> dict[int, Json]:
    """The current manager of each case; ``staff`` names the second staff field."""
    found = {}
    for offender_id, allocated, code, forename, team, team_provider, provider, private in rows:
        second = forename if staff == "forename" else code.endswith("U")
        found[offender_id] = {
            "allocatedOn": allocated,
            "staff": {"code": code, staff: second},
            "team": {"code": team, "provider": team_provider},
            "provider": {"code": provider, "isPrivate": private},
        }
    return found


def events_by_case(
    event_rows: Sequence[asyncpg.Record], requirement_rows: Sequence[asyncpg.Record]
) -> dict[int, list[Json]]:
    """Each case's active events, each with its sentence and that sentence's requirements."""
    requirements: dict[int, list[Json]] = {}
    for disposal_id, category, length, start in requirement_rows:
        requirements.setdefault(disposal_id, []).append(
            {"category": category, "length": length, "startDate": start, "active": True}
        )
    found: dict[int, list[Json]] = {}
    for offender_id, number, disposal_id, kind, day in event_rows:
        sentence = None
        if disposal_id is not None:
            sentence = {
                "type": kind,
                "date": day,
                "requirements": requirements.get(disposal_id, []),
            }
        found.setdefault(offender_id, []).append(
            {"number": number, "active": True, "sentence": sentence}
        )
    return found


def registrations_by_case(rows: Sequence[asyncpg.Record]) -> dict[int, list[Json]]:
    """Each case's registrations that are not deregistered, newest first."""
    found: dict[int, list[Json]] = {}
    for offender_id, kind, level, overdue in rows:
        found.setdefault(offender_id, []).append(
            {"type": kind, "level": level, "active": True, "reviewOverdue": overdue}
        )
    return found


def create_app() -> Starlette:
    """The rows floor over the database named by ``BENCH_FLOOR_DSN``."""
    dsn = os.environ[DSN_VARIABLE]
    state: dict[str, asyncpg.Pool] = {}

    async def relations(ids: list[int], *extra: tuple[str, object]) -> list[Any]:
        """Managers, events, requirements, registrations (and ``extra``), all at once."""
        pool = state["pool"]
        reads = [(MANAGERS, ids), (EVENTS, ids), (REQUIREMENTS, ids), (REGISTRATIONS, ids)]
        return await asyncio.gather(*(pool.fetch(sql, arg) for sql, arg in [*reads, *extra]))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with floor_pool(dsn, "bench-floor-rows") as state["pool"]:
            yield

    async def overview(request: Request) -> Response:
        crn = str(orjson.loads(await request.body())["crn"])
        row = await state["pool"].fetchrow(OVERVIEW_CASE, crn)
        if row is None:
            return Response(b"null", media_type="application/json")
        offender_id = row[0]
        managers, events, requirements, registrations, upcoming, contacts = await relations(
            [offender_id], (NEXT_APPOINTMENT, offender_id), (CONTACTS, offender_id)
        )
        total = contacts[0][4] if contacts else 0
        nxt = upcoming[0] if upcoming else None
        case = {
            "crn": row[1],
            "name": {
                "forename": row[2],
                "middleNames": [name for name in (row[3], row[4]) if name is not None],
                "surname": row[5],
            },
            "dateOfBirth": row[6],
            "tier": row[7],
            "manager": managers_by_case(managers, "unallocated").get(offender_id),
            "events": events_by_case(events, requirements).get(offender_id, []),
            "registrations": registrations_by_case(registrations).get(offender_id, []),
            "nextAppointment": None
            if nxt is None
            else {"id": nxt[0], "date": nxt[1], "start": nxt[2], "type": nxt[3]},
            "contacts": {
                "totalCount": total,
                "hasNextPage": total > 10,
                "edges": [
                    {"id": cid, "date": day, "type": kind, "outcome": outcome}
                    for cid, day, kind, outcome, _ in contacts
                ],
            },
        }
        return Response(orjson.dumps(case), media_type="application/json")

    async def cases(request: Request) -> Response:
        crns = [str(crn) for crn in orjson.loads(await request.body())["crns"]]
        found = {crn: offender_id for offender_id, crn in await state["pool"].fetch(CASES, crns)}
        ids = list(found.values())
        managers, events, requirements, registrations = await relations(ids)
        by_manager = managers_by_case(managers, "forename")
        by_events = events_by_case(events, requirements)
        by_registrations = registrations_by_case(registrations)
        answer = [
            None
            if (offender_id := found.get(crn.strip())) is None
            else {
                "crn": crn.strip(),
                "manager": by_manager.get(offender_id),
                "events": by_events.get(offender_id, []),
                "registrations": by_registrations.get(offender_id, []),
            }
            for crn in crns
        ]
        return Response(orjson.dumps(answer), media_type="application/json")

    return floor_app(overview, cases, lifespan)

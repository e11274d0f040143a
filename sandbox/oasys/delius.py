"""Read what OASys would know about each person from the nDelius legacy tables.

The demo seeds nDelius first and then derives the stand-in's data from it, so the two
stand-ins agree: assessments only for sentenced events, RoSH matching the registration.
"""

from __future__ import annotations

import asyncpg

from sandbox.oasys.dataset import ROSH_REGISTRATIONS, CaseFacts, SentencedEvent

# Every joined table filters SOFT_DELETED = 0; a deleted row does not exist.
_OFFENDERS = """
SELECT o.offender_id, o.crn,
       (o.current_exclusion = 1 OR o.current_restriction = 1) AS limited_access
FROM offender o
WHERE o.soft_deleted = 0
ORDER BY o.offender_id
"""

_SENTENCED_EVENTS = """
SELECT e.offender_id, CAST(e.event_number AS INTEGER) AS event_number,
       MIN(d.disposal_date) AS sentence_date
FROM event e
JOIN offender o ON o.offender_id = e.offender_id AND o.soft_deleted = 0
JOIN disposal d ON d.event_id = e.event_id AND d.soft_deleted = 0
WHERE e.soft_deleted = 0 AND e.event_number ~ '^[0-9]+$'
GROUP BY e.offender_id, e.event_number
"""

# The newest active RoSH registration wins; R_REGISTER_TYPE is reference data (no SOFT_DELETED).
_ROSH_REGISTRATIONS = """
SELECT DISTINCT ON (r.offender_id) r.offender_id, t.code
FROM registration r
JOIN offender o ON o.offender_id = r.offender_id AND o.soft_deleted = 0
JOIN r_register_type t ON t.register_type_id = r.register_type_id
WHERE r.soft_deleted = 0 AND r.deregistered = 0 AND t.code = ANY($1::text[])
ORDER BY r.offender_id, r.registration_date DESC, r.registration_id DESC
"""


async def facts_from_delius(dsn: str) -> list[CaseFacts]:
    """One ``CaseFacts`` per live offender, read in three set-based queries."""
    connection = await asyncpg.connect(dsn)
    try:
        offenders = await connection.fetch(_OFFENDERS)
        events = await connection.fetch(_SENTENCED_EVENTS)
        registrations = await connection.fetch(_ROSH_REGISTRATIONS, list(ROSH_REGISTRATIONS))
    finally:
        await connection.close()
    sentenced: dict[int, list[SentencedEvent]] = {}
    for row in events:
        sentenced.setdefault(row["offender_id"], []).append(
            SentencedEvent(row["event_number"], row["sentence_date"])
        )
    rosh = {row["offender_id"]: row["code"] for row in registrations}
    facts: dict[str, CaseFacts] = {}
    for row in offenders:
        crn = row["crn"].strip()
        if crn in facts:  # a duplicate live CRN: the first (oldest) offender row wins
            continue
        facts[crn] = CaseFacts(
            crn=crn,
            limited_access=bool(row["limited_access"]),
            sentenced_events=tuple(
                sorted(sentenced.get(row["offender_id"], []), key=lambda e: e.number)
            ),
            rosh_registration=rosh.get(row["offender_id"]),
        )
    return list(facts.values())

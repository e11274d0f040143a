"""The few lookups the mapping needs for one batch: CRNs, provider codes, appointment
types and who holds each case. One statement each, for the whole batch."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from adapters.delius.events_feed.decoding import Transaction
from adapters.delius.events_feed.mapping import Facts, lookup_keys, offender_ids

_CRNS = "SELECT offender_id, crn FROM offender WHERE offender_id = ANY($1::bigint[])"
_PROVIDERS = """
SELECT probation_area_id, rtrim(code) AS code FROM probation_area
WHERE probation_area_id = ANY($1::bigint[])
"""
_APPOINTMENT_TYPES = """
SELECT contact_type_id FROM r_contact_type
WHERE contact_type_id = ANY($1::bigint[]) AND attendance_contact = 'Y'
"""
_HOLDERS = """
SELECT om.offender_id, rtrim(pa.code) AS code
FROM offender_manager om JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
WHERE om.offender_id = ANY($1::bigint[]) AND om.active_flag = 1 AND om.soft_deleted = 0
"""
_LAST_STORED = """
SELECT DISTINCT ON (crn) crn, provider_code FROM casegraph.case_event
WHERE crn = ANY($1::text[]) AND provider_code IS NOT NULL
ORDER BY crn, position DESC
"""


async def facts_for(conn: asyncpg.Connection, batch: Sequence[Transaction]) -> Facts:
    """Everything ``mapping.drafts`` needs to know about a batch."""
    offenders = sorted(offender_ids(batch))
    areas, types = lookup_keys(batch)
    crns = {r["offender_id"]: r["crn"] for r in await conn.fetch(_CRNS, offenders)}
    providers = {
        r["probation_area_id"]: r["code"] for r in await conn.fetch(_PROVIDERS, sorted(areas))
    }
    appointments = {
        r["contact_type_id"] for r in await conn.fetch(_APPOINTMENT_TYPES, sorted(types))
    }
    holders = {r["offender_id"]: r["code"] for r in await conn.fetch(_HOLDERS, offenders)}
    stored = await conn.fetch(_LAST_STORED, sorted(set(crns.values())))
    return Facts(
        crns=crns,
        provider_codes=providers,
        appointment_types=frozenset(appointments),
        holders=holders,
        last_stored_holders={r["crn"]: r["provider_code"] for r in stored},
    )

"""``casegraph.case_event``: storing a batch of events in commit order, reading the feed.

Only the capture consumer, holding the lease, stores; it numbers the batch after the
highest stored position, so positions follow commit order with no sequence involved.
Storing, the capture's LSN bookmark and the wake-up NOTIFY share one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from adapters.delius.database import Database
from adapters.delius.events_feed.envelope import envelope
from adapters.delius.events_feed.mapping import EventDraft
from adapters.records import CaseEventRecord, CaseEventType

CHANNEL = "casegraph_case_event"

_INSERT = """
INSERT INTO casegraph.case_event
    (position, event_id, crn, event_type, occurred_at, provider_code,
     previous_provider_code, envelope)
SELECT u.position, u.event_id, u.crn, u.event_type, u.occurred_at, u.provider_code,
       u.previous_provider_code, u.envelope::jsonb
FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[],
            $6::text[], $7::text[], $8::text[])
     AS u(position, event_id, crn, event_type, occurred_at, provider_code,
          previous_provider_code, envelope)
ORDER BY u.position
ON CONFLICT (event_id) DO NOTHING
"""
_BOOKMARK = """
INSERT INTO casegraph.case_event_capture (slot_name, stored_lsn)
VALUES ($1, '0/0'::pg_lsn + $2::numeric)
ON CONFLICT (slot_name) DO UPDATE SET stored_lsn = EXCLUDED.stored_lsn, updated_at = now()
"""
_COLUMNS = """position, event_id, crn, event_type, occurred_at, provider_code,
    previous_provider_code, envelope::text AS envelope, stored_at"""
AFTER = f"""
SELECT {_COLUMNS} FROM casegraph.case_event
WHERE position > $1
  AND ($2::text[] IS NULL OR event_type = ANY($2::text[]))
  AND ($3::text[] IS NULL OR crn = ANY($3::text[]))
  AND ($4::text IS NULL
       OR (event_type <> '{CaseEventType.MANAGER_TRANSFERRED.value}' AND provider_code = $4)
       OR (event_type = '{CaseEventType.MANAGER_TRANSFERRED.value}'
           AND previous_provider_code = $4))
ORDER BY position
LIMIT $5
"""
_STORED_LSN = """
SELECT (stored_lsn - '0/0'::pg_lsn)::bigint FROM casegraph.case_event_capture WHERE slot_name = $1
"""
_POSITION_OF = "SELECT position FROM casegraph.case_event WHERE event_id = $1"
_RETAIN = "DELETE FROM casegraph.case_event WHERE stored_at < now() - make_interval(days => $1)"
_OUTBOX_RETAIN = (
    "DELETE FROM casegraph.case_event_outbox WHERE created_at < now() - interval '1 day'"
)


async def stored_lsn(conn: asyncpg.Connection, slot: str) -> int:
    """The end LSN of the last transaction whose events are stored (0 before the first)."""
    value = await conn.fetchval(_STORED_LSN, slot)
    return int(value or 0)


async def store(
    conn: asyncpg.Connection, drafts: Sequence[EventDraft], slot: str, end_lsn: int, detail_url: str
) -> int:
    """Store a batch after the highest position, note the LSN, wake readers; the count stored."""
    async with conn.transaction():
        start = await conn.fetchval("SELECT COALESCE(MAX(position), 0) FROM casegraph.case_event")
        status = await conn.execute(
            _INSERT,
            list(range(start + 1, start + 1 + len(drafts))),
            [d.event_id for d in drafts],
            [d.crn for d in drafts],
            [d.event_type for d in drafts],
            [d.occurred_at for d in drafts],
            [d.provider_code for d in drafts],
            [d.previous_provider_code for d in drafts],
            [json.dumps(envelope(d, detail_url)) for d in drafts],
        )
        await conn.execute(_BOOKMARK, slot, end_lsn)
        stored = int(status.rsplit(" ", 1)[-1])
        if stored:
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(start + len(drafts)))
    return stored


async def last_position(db: Database) -> int:
    """The newest stored position (0 when the feed is empty)."""
    return int(await db.fetchval("SELECT COALESCE(MAX(position), 0) FROM casegraph.case_event"))


async def position_of(db: Database, event_id: Any) -> int | None:
    """The feed position of an event, None once retention has removed it (or never was)."""
    rows = await db.fetch(_POSITION_OF, event_id)
    return int(rows[0]["position"]) if rows else None


async def remove_expired(conn: asyncpg.Connection, retention_days: int) -> None:
    """Drop events older than the retention, and outbox rows the capture has long used."""
    await conn.execute(_RETAIN, retention_days)
    await conn.execute(_OUTBOX_RETAIN)


def record_of(row: Any) -> CaseEventRecord:
    """A stored row as a record."""
    return CaseEventRecord(
        position=row["position"],
        event_id=row["event_id"],
        crn=row["crn"],
        event_type=row["event_type"],
        occurred_at=row["occurred_at"],
        provider_code=row["provider_code"],
        previous_provider_code=row["previous_provider_code"],
        envelope=json.loads(row["envelope"]),
        stored_at=row["stored_at"],
    )

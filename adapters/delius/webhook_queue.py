"""The webhook delivery queue in the ``casegraph`` schema (migration 0006).

Work is shared between Case Graph processes through PostgreSQL alone:

- fan-out: a partner's row in ``webhook_partner`` is taken ``FOR UPDATE SKIP LOCKED``; while
  holding it, the caller's ``pick`` reads the feed after that partner's position and says
  how far it read and which events the partner receives; those are queued and the position
  moved on in the same transaction (a crash leaves the position where it was: the events
  are examined again);
- delivery: the oldest due rows of a partner whose cases have no earlier pending row (so at
  most one per case) are claimed ``FOR UPDATE SKIP LOCKED`` for the length of one attempt
  each; the results are written in the same transaction, so a crash mid-attempt leaves the
  rows pending and they are sent again, with the same event ids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from adapters.delius.database import Database
from adapters.webhooks.port import Claim, Pick

_REGISTER = """
INSERT INTO casegraph.webhook_partner (provider_code, fanned_out_to)
SELECT code, (SELECT coalesce(max(position), 0) FROM casegraph.case_event)
FROM unnest($1::text[]) AS code
ON CONFLICT (provider_code) DO NOTHING
"""
_LOCK_PARTNER = """
SELECT fanned_out_to FROM casegraph.webhook_partner WHERE provider_code = $1
FOR UPDATE SKIP LOCKED
"""
_ENQUEUE = """
INSERT INTO casegraph.webhook_delivery (provider_code, position, event_id, crn, event_type)
SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[])
ON CONFLICT (provider_code, position) DO UPDATE
SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
    delivered_at = NULL, enqueued_at = now()
WHERE casegraph.webhook_delivery.status <> 'pending'
"""
_ADVANCE = """
UPDATE casegraph.webhook_partner SET fanned_out_to = $2, updated_at = now()
WHERE provider_code = $1
"""
_CLAIM = """
SELECT d.position, d.event_id::text AS event_id, d.crn, d.event_type, d.attempts,
       e.envelope::text AS body, e.stored_at
FROM casegraph.webhook_delivery d
LEFT JOIN casegraph.case_event e ON e.position = d.position
WHERE d.provider_code = $1 AND d.status = 'pending' AND d.next_attempt_at <= now()
  AND NOT EXISTS (
    SELECT 1 FROM casegraph.webhook_delivery earlier
    WHERE earlier.provider_code = d.provider_code AND earlier.crn = d.crn
      AND earlier.status = 'pending' AND earlier.position < d.position)
ORDER BY d.position
LIMIT $2
FOR UPDATE OF d SKIP LOCKED
"""
_SETTLE = """
UPDATE casegraph.webhook_delivery d
SET attempts = d.attempts + 1,
    status = CASE WHEN r.done THEN 'delivered' WHEN r.retry_in IS NULL THEN 'dead'
                  ELSE 'pending' END,
    delivered_at = CASE WHEN r.done THEN now() END,
    last_error = r.error,
    next_attempt_at = now() + make_interval(secs => coalesce(r.retry_in, 0))
FROM unnest($2::bigint[], $3::bool[], $4::text[], $5::float8[])
     AS r(position, done, error, retry_in)
WHERE d.provider_code = $1 AND d.position = r.position
"""
_REWIND = """
UPDATE casegraph.webhook_partner SET fanned_out_to = LEAST(fanned_out_to, $2 - 1),
       updated_at = now()
WHERE provider_code = $1
"""
_PRUNE = """
DELETE FROM casegraph.webhook_delivery d
WHERE d.provider_code = $1 AND d.status <> 'pending'
  AND NOT EXISTS (SELECT 1 FROM casegraph.case_event e WHERE e.position = d.position)
"""
_SUMMARY = """
SELECT p.provider_code, p.fanned_out_to,
       count(d.*) FILTER (WHERE d.status = 'pending') AS pending,
       count(d.*) FILTER (WHERE d.status = 'delivered') AS delivered,
       count(d.*) FILTER (WHERE d.status = 'dead') AS dead,
       min(d.enqueued_at) FILTER (WHERE d.status = 'pending') AS oldest_pending
FROM casegraph.webhook_partner p
LEFT JOIN casegraph.webhook_delivery d ON d.provider_code = p.provider_code
GROUP BY p.provider_code, p.fanned_out_to ORDER BY p.provider_code
"""
_DEAD = """
SELECT provider_code, position, event_id::text AS event_id, crn, event_type, attempts,
       last_error, enqueued_at
FROM casegraph.webhook_delivery
WHERE status = 'dead' AND ($1::text IS NULL OR provider_code = $1)
ORDER BY provider_code, position LIMIT $2
"""


@dataclass(frozen=True, slots=True)
class PartnerQueueSummary:
    """How one partner's queue stands."""

    provider_code: str
    fanned_out_to: int
    pending: int
    delivered: int
    dead: int
    oldest_pending: datetime | None


@dataclass(frozen=True, slots=True)
class DeadDelivery:
    """A delivery moved aside after its last attempt."""

    provider_code: str
    position: int
    event_id: str
    crn: str
    event_type: str
    attempts: int
    last_error: str | None
    enqueued_at: datetime


class WebhookQueue:
    """Per-partner fan-out and claims over the delivery tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def register(self, provider_codes: Sequence[str]) -> None:
        """Give each partner a position; a new partner starts at the newest event."""
        await self._db.fetch(_REGISTER, list(provider_codes))

    async def fan_out(self, provider_code: str, pick: Pick) -> bool:
        """Queue what the partner receives of the events after its position; True if the
        position moved. False when another process holds the partner, or nothing is new."""
        async with self._db.transaction() as connection:
            after = await connection.fetchval(_LOCK_PARTNER, provider_code)
            if after is None:
                return False
            last, chosen = await pick(after)
            if last is None:
                return False
            if chosen:
                await connection.execute(
                    _ENQUEUE,
                    provider_code,
                    [e.position for e in chosen],
                    [str(e.event_id) for e in chosen],
                    [e.crn for e in chosen],
                    [e.event_type for e in chosen],
                )
            await connection.execute(_ADVANCE, provider_code, last)
            return True

    @asynccontextmanager
    async def claim(self, provider_code: str, limit: int) -> AsyncIterator[list[Claim]]:
        """Up to ``limit`` of the partner's deliverable events, at most one per case (the
        oldest pending of each), held until the block ends, when each outcome is written."""
        async with self._db.transaction() as connection:
            rows = await connection.fetch(_CLAIM, provider_code, limit)
            claims = [Claim(**dict(row)) for row in rows]
            yield claims
            if claims:
                await connection.execute(
                    _SETTLE,
                    provider_code,
                    [c.position for c in claims],
                    [c.done for c in claims],
                    [None if c.done else (c.error or "not attempted") for c in claims],
                    [c.retry_in for c in claims],
                )

    async def replay(self, provider_code: str, from_position: int) -> None:
        """Send the partner everything from ``from_position`` on again (who receives what is
        decided afresh): its position is moved back, and fan-out re-queues what was sent."""
        await self._db.fetch(_REWIND, provider_code, from_position)

    async def prune(self, provider_code: str) -> None:
        """Forget finished deliveries of events the feed's retention has removed."""
        await self._db.fetch(_PRUNE, provider_code)

    async def summary(self) -> list[PartnerQueueSummary]:
        """Every partner's position and counts of pending, delivered and dead deliveries."""
        return [PartnerQueueSummary(**dict(row)) for row in await self._db.fetch(_SUMMARY)]

    async def dead(self, provider_code: str | None, limit: int) -> list[DeadDelivery]:
        """Deliveries moved aside, oldest first."""
        rows = await self._db.fetch(_DEAD, provider_code, limit)
        return [DeadDelivery(**dict(row)) for row in rows]

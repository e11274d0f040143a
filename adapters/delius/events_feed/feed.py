"""The stored feed as the API reads it: pages after a position, and a wake-up when the
capture stores more (``LISTEN`` on the channel its transaction notifies), so live
subscriptions neither poll the table hard nor wait long.

If the listening connection is lost, waiting falls back to the timeout given: a
subscriber is late by at most that, never stuck.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from adapters.delius.database import Database, PoolOptions
from adapters.delius.events_feed import store
from adapters.records import CaseEventRecord

log = logging.getLogger("casegraph.events.feed")


class CaseEventFeed:
    """Reads of ``casegraph.case_event`` over a small pool of its own."""

    def __init__(self, db: Database, listener: asyncpg.Connection | None) -> None:
        self._db = db
        self._listener = listener
        self._wake = asyncio.Event()

    @classmethod
    async def open(cls, dsn: str, options: PoolOptions | None = None) -> CaseEventFeed:
        """A pool for reads and one connection listening for new events."""
        db = await Database.connect(dsn, options or PoolOptions(min_size=1, max_size=4))
        listener = None
        try:
            listener = await asyncpg.connect(dsn, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            log.warning("case-event listener unavailable; subscribers will poll")
        feed = cls(db, listener)
        if listener is not None:
            await listener.add_listener(store.CHANNEL, feed._notified)
        return feed

    def ticket(self) -> asyncio.Event:
        """Take before reading; ``wait`` on it returns as soon as anything newer is stored."""
        return self._wake

    async def wait(self, ticket: asyncio.Event, seconds: float) -> None:
        """Until the capture stores more than when the ticket was taken, or ``seconds`` pass."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), seconds)

    async def events_after(
        self,
        position: int,
        limit: int,
        *,
        types: Sequence[str] | None = None,
        crns: Sequence[str] | None = None,
        provider_code: str | None = None,
    ) -> list[CaseEventRecord]:
        """Up to ``limit`` events after ``position`` in feed order; ``provider_code`` keeps
        only those a partner of that provider may receive (the audience rule's first step,
        in SQL, so a partner's page is not filled by reading everyone's events)."""
        rows = await self._db.fetch(
            store.AFTER,
            position,
            list(types) if types is not None else None,
            list(crns) if crns is not None else None,
            provider_code,
            limit,
        )
        return [store.record_of(row) for row in rows]

    async def last_position(self) -> int:
        """The newest stored position: where a subscription without a cursor starts."""
        return await store.last_position(self._db)

    async def position_of(self, event_id: UUID) -> int | None:
        """Where an event is in the feed; None if retention removed it or it never was."""
        return await store.position_of(self._db, event_id)

    async def aclose(self) -> None:
        """Close the listener and the pool."""
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close(timeout=2)
        await self._db.close()

    def _notified(self, *_: Any) -> None:
        woken, self._wake = self._wake, asyncio.Event()
        woken.set()

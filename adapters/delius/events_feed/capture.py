"""The capture consumer: nDelius's committed changes, read from a logical replication
slot over plain SQL, stored as case events, then the slot advanced.

Why over SQL: asyncpg has no replication protocol, and ``pg_logical_slot_peek_changes``
with ``test_decoding`` works on any PostgreSQL with ``wal_level=logical`` (the embedded
wheel has no wal2json). The legacy tables are untouched: a slot changes no table.

The order that makes a crash lose nothing: peek (the slot keeps everything), store the
events and the LSN bookmark in one transaction, then advance the slot. A crash before
storing replays the same changes; a crash after storing replays them too, but the
bookmark skips them and the event ids (derived from WAL positions) would collide anyway.

Exactly one consumer at a time across processes: the one whose dedicated connection
holds ``pg_try_advisory_lock``. The lock, the slot reads and the stores share that
connection, so when the holder dies its connection closes, the lock is released, and
another process, retrying every ``retry_seconds``, takes over where the bookmark says.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from prometheus_client import Gauge

from adapters.delius.events_feed import store
from adapters.delius.events_feed.decoding import transactions
from adapters.delius.events_feed.facts import facts_for
from adapters.delius.events_feed.mapping import drafts, touches_cases

SLOT_PREFIX = "casegraph_case_events_"
LEASE_KEY = 0x63617365_65766E74  # "caseevnt"
_PEEK = """
SELECT (lsn - '0/0'::pg_lsn)::bigint AS lsn, xid::text::bigint AS xid, data
FROM pg_logical_slot_peek_changes($1, NULL, $2, 'include-timestamp', '1', 'skip-empty-xacts', '1')
"""
_ADVANCE = "SELECT pg_replication_slot_advance($1, '0/0'::pg_lsn + $2::numeric)"
_CREATE_SLOT = """
SELECT pg_create_logical_replication_slot($1, 'test_decoding')
WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)
"""

LAG = Gauge(
    "casegraph_case_event_capture_lag_seconds",
    "Seconds from the commit in nDelius of the last captured change to its storage as an event",
    multiprocess_mode="livemax",  # only the process holding the capture lease sets it
)
log = logging.getLogger("casegraph.events.capture")

Hook = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CaptureOptions:
    """How the capture reads, stores and keeps events."""

    detail_url: str
    poll_seconds: float = 0.1
    retry_seconds: float = 3.0
    batch_changes: int = 5000
    retention_days: int = 30
    retention_every_seconds: float = 3600.0


async def unavailable_reason(conn: asyncpg.Connection) -> str | None:
    """Why this database cannot give Case Graph its change feed, or None when it can."""
    level = await conn.fetchval("SHOW wal_level")
    if level != "logical":
        return f"wal_level is {level!r}, not 'logical'"
    if int(await conn.fetchval("SHOW max_replication_slots")) < 1:
        return "max_replication_slots is 0"
    allowed = await conn.fetchval(
        "SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user"
    )
    if not allowed:
        return "the database user may not use replication slots (needs REPLICATION)"
    return None


async def open_slot(conn: asyncpg.Connection) -> str:
    """This database's slot, created if need be. Slot names are cluster-wide and a slot
    serves one database, so the name carries the database's."""
    database = str(await conn.fetchval("SELECT current_database()"))
    name = SLOT_PREFIX + re.sub(r"[^a-z0-9_]", "_", database.lower())[:40]
    await conn.execute(_CREATE_SLOT, name)
    return name


class Capture:
    """The consumer loop; ``run`` until cancelled. ``hook`` hears each step's name (tests
    use it to stop a process at a chosen point)."""

    def __init__(self, dsn: str, options: CaptureOptions, hook: Hook | None = None) -> None:
        self._dsn = dsn
        self._options = options
        self._hook = hook or (lambda step: None)
        self._last_retention = 0.0
        self._slot: str | None = None
        self.holding = False

    async def run(self) -> None:
        """Take the lease when free, then capture until the connection is lost."""
        while True:
            try:
                await self._lease_and_capture()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("case-event capture interrupted: %s", type(error).__name__)
            except Exception as error:
                # A bug must not end the capture for good. Only the type is logged (a
                # message could carry case data); the slot keeps the changes meanwhile,
                # so nothing is lost, and the lag metric shows the stall.
                log.error("case-event capture failed: %s", type(error).__name__)
            self.holding = False
            await asyncio.sleep(self._options.retry_seconds)

    async def _lease_and_capture(self) -> None:
        conn = await asyncpg.connect(
            self._dsn,
            timeout=10,
            server_settings={"application_name": "casegraph-capture", "timezone": "UTC"},
        )
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LEASE_KEY):
                return
            self.holding = True
            log.info("case-event capture lease taken")
            self._hook("leased")
            self._slot = await open_slot(conn)
            while True:
                # Read again at once only after a full batch (more is waiting). Otherwise
                # wait a poll: under steady traffic every answered query commits its audit
                # row, and reading continuously would decode a handful of commits per
                # slot read, at a cost to nDelius, for no earlier event.
                if await self.step(conn) < self._options.batch_changes:
                    self._hook("waiting")
                    await asyncio.sleep(self._options.poll_seconds)
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    async def step(self, conn: asyncpg.Connection) -> int:
        """One read of the slot: store what it holds, then advance. The rows read."""
        slot = self._slot = self._slot or await open_slot(conn)
        rows = await conn.fetch(_PEEK, slot, self._options.batch_changes)
        batch = transactions((r["lsn"], r["xid"], r["data"]) for r in rows)
        if not batch:
            LAG.set(0)
            await self._retain(conn)
            return 0
        self._hook("peeked")
        end_lsn = batch[-1].end_lsn
        done = await store.stored_lsn(conn, slot)
        fresh = [t for t in batch if t.end_lsn > done and touches_cases(t)]
        # Transactions that give no event (other tables, and the capture's own stores) are
        # only stepped over: storing a bookmark for them would itself be a new transaction
        # to read, and the capture would chase its own tail.
        events = drafts(fresh, await facts_for(conn, fresh)) if fresh else []
        if events:
            await store.store(conn, events, slot, end_lsn, self._options.detail_url)
            committed = fresh[-1].committed_at
            if committed is not None:
                LAG.set(max(0.0, (datetime.now(UTC) - committed).total_seconds()))
        self._hook("stored")
        await conn.execute(_ADVANCE, slot, end_lsn)
        return len(rows)

    async def _retain(self, conn: asyncpg.Connection) -> None:
        now = time.monotonic()
        if now - self._last_retention < self._options.retention_every_seconds:
            return
        self._last_retention = now
        await store.remove_expired(conn, self._options.retention_days)

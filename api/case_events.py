"""Case events in the lifespan: the stored feed for the query and subscriptions, and the
capture consumer beside it (every process runs one; the lease lets one work at a time).

When nDelius cannot give a change feed (``wal_level`` is not ``logical``, no slots, no
replication right) the service says so once, plainly, at start-up, and goes on serving
reads: ``caseEvents`` then answers SERVICE_UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator

import asyncpg

from adapters.delius.events_feed.capture import Capture, CaptureOptions, unavailable_reason
from adapters.delius.events_feed.feed import CaseEventFeed
from api.settings import Settings

log = logging.getLogger("casegraph")


@contextlib.asynccontextmanager
async def case_event_feed(settings: Settings) -> AsyncIterator[CaseEventFeed | None]:
    """The feed (None when nDelius cannot give one), with the capture running beside it."""
    dsn = settings.delius_dsn.value
    reason = await _why_unavailable(dsn)
    if reason is not None:
        message = (
            f"Case events are OFF: the nDelius database cannot provide logical decoding "
            f"({reason}). Reads keep working. To turn events on, run PostgreSQL with "
            f"wal_level=logical and a user with the REPLICATION right, then restart."
        )
        log.warning(message)
        print(f"casegraph: {message}", file=sys.stderr, flush=True)
        yield None
        return
    feed = await CaseEventFeed.open(dsn)
    capture = None
    if settings.events_capture:
        options = CaptureOptions(
            detail_url=f"{settings.events_public_url.rstrip('/')}/graphql",
            poll_seconds=settings.events_poll_seconds,
            retention_days=settings.events_retention_days,
        )
        capture = asyncio.create_task(Capture(dsn, options).run(), name="case-event-capture")
    try:
        yield feed
    finally:
        if capture is not None:
            capture.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await capture
        await feed.aclose()


async def _why_unavailable(dsn: str) -> str | None:
    try:
        conn = await asyncpg.connect(dsn, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return "the database could not be reached to check"
    try:
        return await unavailable_reason(conn)
    finally:
        await conn.close()

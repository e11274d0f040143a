"""Events older than the retention setting are removed; newer ones stay."""

from __future__ import annotations

import asyncpg

from adapters.delius.events_feed.store import remove_expired
from sandbox.activity import book_appointment, find_case
from tests.events.conftest import drain, events_since, last_position


async def test_events_past_the_retention_are_removed_and_the_rest_kept(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    offender_id, _ = await find_case(ndelius, None, 30)
    before = await last_position(ndelius)
    await book_appointment(ndelius, offender_id)
    await book_appointment(ndelius, offender_id)
    await drain(events_dsn)
    old, recent = await events_since(ndelius, before)
    await ndelius.execute(
        "UPDATE casegraph.case_event SET stored_at = now() - interval '31 days'"
        " WHERE position = $1",
        old["position"],
    )
    await remove_expired(ndelius, 30)
    assert [e["event_id"] for e in await events_since(ndelius, before)] == [recent["event_id"]]

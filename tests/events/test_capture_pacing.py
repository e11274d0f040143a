"""How often the capture reads the slot: again at once after a full batch (more is
waiting), otherwise after a poll. Steady traffic that gives no event (every answered
query commits its audit row) is so read a poll at a time, not one slot read per commit."""

from __future__ import annotations

import asyncpg
import pytest

from adapters.delius.events_feed.capture import Capture, CaptureOptions
from tests.events.conftest import drain

A_POLL_NEVER_REACHED = 3600.0


class Waiting(BaseException):
    """Raised by the hook when the capture is about to wait a poll; the test stops there.
    A BaseException, so the capture's own recovery from errors does not swallow it."""


async def steps_until_waiting(dsn: str, batch_changes: int) -> list[str]:
    """The steps the capture takes, from taking its lease until it first waits a poll."""
    steps: list[str] = []

    def hook(step: str) -> None:
        steps.append(step)
        if step == "waiting":
            raise Waiting

    options = CaptureOptions(
        detail_url="http://casegraph.test/graphql",
        poll_seconds=A_POLL_NEVER_REACHED,
        retry_seconds=A_POLL_NEVER_REACHED,
        batch_changes=batch_changes,
    )
    with pytest.raises(Waiting):
        await Capture(dsn, options, hook).run()
    return steps


async def touch_staff(ndelius: asyncpg.Connection, times: int) -> None:
    """Commit ``times`` transactions that change a row but no case."""
    for _ in range(times):
        await ndelius.execute(
            "UPDATE staff SET forename = forename"
            " WHERE staff_id = (SELECT min(staff_id) FROM staff)"
        )


async def slot_holds(ndelius: asyncpg.Connection) -> int:
    """Rows the capture's slot still holds."""
    return int(
        await ndelius.fetchval(
            "SELECT count(*) FROM pg_replication_slots s,"
            " pg_logical_slot_peek_changes(s.slot_name, NULL, NULL)"
            " WHERE s.slot_name LIKE 'casegraph_case_events_%' AND s.database = current_database()"
        )
    )


@pytest.mark.parametrize(
    ("commits", "batch_changes", "reads"),
    [(1, 5000, 1), (3, 1, 3)],
    ids=["a-read-short-of-a-batch-then-a-poll", "full-batches-one-after-another"],
)
async def test_the_slot_is_read_again_at_once_only_after_a_full_batch(
    events_dsn: str, ndelius: asyncpg.Connection, commits: int, batch_changes: int, reads: int
) -> None:
    await drain(events_dsn)
    await touch_staff(ndelius, commits)
    steps = await steps_until_waiting(events_dsn, batch_changes=batch_changes)
    assert steps == ["leased", *["peeked", "stored"] * reads, "waiting"]
    assert await slot_holds(ndelius) == 0

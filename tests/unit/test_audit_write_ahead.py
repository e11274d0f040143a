"""AuditTrail's write-ahead: which rows each write carries, and what settling waits for
(pure logic, over an in-memory writer)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from adapters.errors import BackendUnavailable
from resolvers.audit import AuditTrail, Outcome


class Writer:
    """Keeps every write's rows; fails when told to."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.writes: list[dict[str, Outcome]] = []
        self.fail = fail

    async def __call__(self, rows: Mapping[str, Outcome]) -> None:
        self.writes.append(dict(rows))
        await asyncio.sleep(0)
        if self.fail is not None:
            raise self.fail


async def test_rows_written_ahead_are_not_written_again() -> None:
    trail, writer = AuditTrail(), Writer()
    trail.writer = writer
    trail.touch("A000001", Outcome.VISIBLE)
    trail.touch("A000002", Outcome.NOT_FOUND)
    trail.write_ahead()
    assert not trail.unwritten()
    trail.write_ahead()  # nothing new: no second write
    trail.touch("A000001", Outcome.VISIBLE)  # the same decision again
    trail.touch("A000003", Outcome.LIMITED_ACCESS)
    await trail.settle()
    assert writer.writes == [
        {"A000001": Outcome.VISIBLE, "A000002": Outcome.NOT_FOUND},
        {"A000003": Outcome.LIMITED_ACCESS},
    ]


async def test_an_outcome_that_turns_more_restrictive_after_its_row_gets_a_row_of_its_own() -> None:
    trail, writer = AuditTrail(), Writer()
    trail.writer = writer
    trail.touch("A000001", Outcome.VISIBLE)
    trail.write_ahead()
    trail.touch("A000001", Outcome.FAILED)
    await trail.settle()
    assert writer.writes == [{"A000001": Outcome.VISIBLE}, {"A000001": Outcome.FAILED}]


async def test_settle_raises_when_a_write_ahead_failed() -> None:
    trail = AuditTrail()
    trail.writer = Writer(fail=BackendUnavailable("audit", "audit: down"))
    trail.touch("A000001", Outcome.VISIBLE)
    trail.write_ahead()
    with pytest.raises(BackendUnavailable):
        await trail.settle()


async def test_settle_waits_for_a_write_still_in_flight() -> None:
    released = asyncio.Event()
    done: list[str] = []

    async def slow(rows: Mapping[str, Outcome]) -> None:
        await released.wait()
        done.extend(rows)

    trail = AuditTrail()
    trail.writer = slow
    trail.touch("A000001", Outcome.VISIBLE)
    trail.write_ahead()
    settling = asyncio.ensure_future(trail.settle())
    await asyncio.sleep(0)
    assert not settling.done()
    released.set()
    await settling
    assert done == ["A000001"]


async def test_without_a_writer_nothing_is_written_ahead() -> None:
    trail = AuditTrail()
    trail.touch("A000001", Outcome.VISIBLE)
    assert not trail.unwritten()
    trail.write_ahead()
    await trail.settle()
    assert trail.touched() == {"A000001": Outcome.VISIBLE}

"""Group commit: callers arriving during a write share the next one; failures stay theirs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from adapters.delius.group_commit import GroupCommit


class Store:
    """Records each write; the write waits on ``gate`` so callers can pile up behind it."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.writes: list[list[str]] = []
        self.gate = asyncio.Event()
        self.fail_on = fail_on

    async def write(self, rows: Sequence[str]) -> None:
        self.writes.append(list(rows))
        await self.gate.wait()
        if self.fail_on == len(self.writes):
            raise RuntimeError("write refused")


async def test_callers_arriving_during_a_write_share_the_next_one() -> None:
    store = Store()
    commits = GroupCommit(store.write)
    first = asyncio.create_task(commits.submit(["a"]))
    await asyncio.sleep(0)
    later = [asyncio.create_task(commits.submit([name, name.upper()])) for name in "bcd"]
    await asyncio.sleep(0)
    store.gate.set()
    await asyncio.gather(first, *later)
    assert store.writes == [["a"], ["b", "B", "c", "C", "d", "D"]]


async def test_a_failed_write_fails_only_the_callers_it_carried() -> None:
    store = Store(fail_on=1)
    commits = GroupCommit(store.write)
    first = asyncio.create_task(commits.submit(["a"]))
    await asyncio.sleep(0)
    second = asyncio.create_task(commits.submit(["b"]))
    await asyncio.sleep(0)
    store.gate.set()
    with pytest.raises(RuntimeError, match="write refused"):
        await first
    await second
    assert store.writes == [["a"], ["b"]]


async def test_a_caller_that_gives_up_does_not_hold_the_others() -> None:
    store = Store()
    commits = GroupCommit(store.write)
    first = asyncio.create_task(commits.submit(["a"]))
    await asyncio.sleep(0)
    impatient = asyncio.create_task(commits.submit(["b"]))
    patient = asyncio.create_task(commits.submit(["c"]))
    await asyncio.sleep(0)
    impatient.cancel()
    store.gate.set()
    await asyncio.gather(first, patient)
    assert impatient.cancelled()
    assert store.writes == [["a"], ["b", "c"]]  # rows already handed over are still kept


async def test_an_idle_writer_starts_again_for_the_next_caller() -> None:
    store = Store()
    store.gate.set()
    commits = GroupCommit(store.write)
    await commits.submit(["a"])
    await commits.submit(["b"])
    assert store.writes == [["a"], ["b"]]

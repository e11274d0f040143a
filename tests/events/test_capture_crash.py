"""SIGKILL of the capture between reading the slot and storing, and between storing and
advancing the slot, loses no event and stores none twice; a second process takes the
lease over when the holder dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from adapters.delius.events_feed.capture import open_slot
from sandbox.activity import book_appointment, find_case
from tests.events.conftest import drain, events_since, last_position

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30.0


class CaptureProcess:
    """One ``tests.events.capture_process`` child, its output read line by line."""

    def __init__(self, dsn: str, stop_at: str | None = None) -> None:
        args = [sys.executable, "-m", "tests.events.capture_process", dsn]
        self.process = subprocess.Popen(
            [*args, *([stop_at] if stop_at else [])],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []

    async def until(self, step: str) -> None:
        """Wait until the child reports ``step`` (bounded)."""
        assert self.process.stdout is not None
        os.set_blocking(self.process.stdout.fileno(), False)
        deadline = time.monotonic() + WAIT_SECONDS
        while step not in self.lines:
            assert time.monotonic() < deadline, f"never reached {step}: {self.lines}"
            line = self.process.stdout.readline()
            if line:
                self.lines.append(line.strip())
            else:
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, then reap."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


async def slot_position(connection: asyncpg.Connection) -> int:
    value = await connection.fetchval(
        "SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots"
        " WHERE slot_name = $1",
        await open_slot(connection),
    )
    return int(value)


@pytest.mark.parametrize("stop_at", ["peeked", "stored"])
async def test_sigkill_at_each_step_loses_nothing_and_stores_nothing_twice(
    events_dsn: str, ndelius: asyncpg.Connection, stop_at: str
) -> None:
    await drain(events_dsn)
    offender_id, crn = await find_case(ndelius, None, 20 if stop_at == "peeked" else 21)
    before = await last_position(ndelius)
    slot_before = await slot_position(ndelius)
    for _ in range(3):
        await book_appointment(ndelius, offender_id)
    child = CaptureProcess(events_dsn, stop_at)
    try:
        await child.until(stop_at)
        stored_at_kill = await events_since(ndelius, before)
        child.kill()
    finally:
        child.kill()
    # Killed before storing: nothing stored. Killed after storing: all stored, slot not moved.
    assert len(stored_at_kill) == (0 if stop_at == "peeked" else 3)
    assert await slot_position(ndelius) == slot_before
    await drain(events_dsn)
    events = await events_since(ndelius, before)
    assert [(e["crn"], e["event_type"]) for e in events] == [
        (crn, "probation-case.appointment.booked")
    ] * 3
    assert len({e["event_id"] for e in events}) == 3
    if stop_at == "stored":  # the replay re-read the same changes and kept the same ids
        assert [e["event_id"] for e in events] == [e["event_id"] for e in stored_at_kill]
    assert await slot_position(ndelius) > slot_before


async def test_another_process_takes_the_lease_over_when_the_holder_dies(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    await drain(events_dsn)
    offender_id, _ = await find_case(ndelius, None, 22)
    first, second = CaptureProcess(events_dsn), CaptureProcess(events_dsn)
    try:
        holder, waiting = await _holder_of(first, second)
        before = await last_position(ndelius)
        await book_appointment(ndelius, offender_id)
        await _until_stored(ndelius, before, 1)
        holder.kill()
        await waiting.until("leased")
        await book_appointment(ndelius, offender_id)
        await _until_stored(ndelius, before, 2)
    finally:
        first.kill()
        second.kill()


async def _holder_of(a: CaptureProcess, b: CaptureProcess) -> tuple[CaptureProcess, CaptureProcess]:
    """Which of two fresh consumers took the lease (exactly one does)."""
    await asyncio.wait(
        [asyncio.create_task(a.until("leased")), asyncio.create_task(b.until("leased"))],
        return_when=asyncio.FIRST_COMPLETED,
    )
    await asyncio.sleep(1.5)  # three of the other's retries: it must not get the lease too
    assert ("leased" in a.lines) != ("leased" in b.lines), (a.lines, b.lines)
    return (a, b) if "leased" in a.lines else (b, a)


async def _until_stored(connection: asyncpg.Connection, before: int, count: int) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(await events_since(connection, before)) < count:
        assert time.monotonic() < deadline, "the change was never stored"
        await asyncio.sleep(0.1)

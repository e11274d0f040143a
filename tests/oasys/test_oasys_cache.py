"""The adapter's TTL cache and single-flight (pure logic, with a fake clock)."""

from __future__ import annotations

import asyncio

import pytest

from adapters.oasys.cache import SingleFlightCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache: SingleFlightCache[int] = SingleFlightCache(5.0, clock=clock)
    calls = []

    async def load() -> int:
        calls.append(1)
        return len(calls)

    assert await cache.get("k", load) == 1
    clock.now = 4.9
    assert await cache.get("k", load) == 1
    clock.now = 5.0
    assert await cache.get("k", load) == 2


async def test_size_is_bounded_oldest_first() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(60.0, max_entries=3, clock=Clock())
    for key in "abcd":

        async def load(key: str = key) -> str:
            return key

        await cache.get(key, load)
    assert len(cache) == 3

    async def reloaded() -> str:
        return "again"

    assert await cache.get("a", reloaded) == "again"
    assert await cache.get("d", reloaded) == "d"


async def test_failures_are_shared_but_not_kept() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(60.0, clock=Clock())
    release = asyncio.Event()
    calls = 0

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        raise ValueError("boom")

    waiters = [asyncio.ensure_future(cache.get("k", failing)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert calls == 1
    assert all(isinstance(r, ValueError) for r in results)

    async def ok() -> int:
        return 7

    assert await cache.get("k", ok) == 7


async def test_a_cancelled_waiter_does_not_cancel_the_others() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(0.0, clock=Clock())
    release = asyncio.Event()

    async def slow() -> int:
        await release.wait()
        return 3

    first = asyncio.ensure_future(cache.get("k", slow))
    second = asyncio.ensure_future(cache.get("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 3
    with pytest.raises(asyncio.CancelledError):
        await first
    assert len(cache) == 0  # ttl 0: single-flight only

"""A short-lived cache of answers, with single-flight for concurrent misses.

OASys is slow and its data changes a few times a year per person, so a few seconds of
caching removes repeated calls within and across requests. Concurrent callers asking for
the same key share one request instead of each sending their own. Only successful answers
(including "nothing") are cached; a failure is shared by the callers already waiting for it
and then forgotten.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SingleFlightCache(Generic[V]):
    """TTL cache bounded to ``max_entries`` (oldest evicted first) with request coalescing."""

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._flights: dict[Hashable, asyncio.Task[V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        """The cached value for ``key``, or the result of one shared call to ``load``."""
        entry = self._entries.get(key)
        if entry is not None:
            if entry[0] > self._clock():
                return entry[1]
            del self._entries[key]
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self._flights[key] = flight
            flight.add_done_callback(lambda done: self._land(key, done))
        # shield: one impatient caller cancelling must not cancel the others' request.
        return await asyncio.shield(flight)

    def clear(self) -> None:
        self._entries.clear()

    async def _load(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        value = await load()
        if self.ttl > 0:
            self._entries[key] = (self._clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def _land(self, key: Hashable, done: asyncio.Task[V]) -> None:
        if self._flights.get(key) is done:
            del self._flights[key]
        if not done.cancelled():
            done.exception()  # mark retrieved, even when every waiter has gone

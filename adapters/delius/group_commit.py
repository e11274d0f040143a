"""Group commit: rows that concurrent callers must each see committed, written together.

Every answer waits for its audit rows to be committed, so under load each request paid
for a transaction, a statement and a commit of its own, most of PostgreSQL's work for a
small read. Here the first caller's rows are written at once; rows submitted while that
write is in flight wait for it and then go together in the next one. Nobody waits for a
timer, every caller returns only once its own rows are committed, and a failed write
fails exactly the callers whose rows it carried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Row = TypeVar("Row")


class GroupCommit(Generic[Row]):
    """Writes the rows of callers that arrive while a write is in flight in one write."""

    def __init__(self, write: Callable[[Sequence[Row]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[Sequence[Row], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, rows: Sequence[Row]) -> None:
        """Return once ``rows`` are committed; raise what the write that carried them
        raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        writer = self._writer
        if writer is not None and not writer.done() and writer.get_loop() is not loop:
            self._waiting = []  # left by a loop that stopped mid-write
        self._waiting.append((rows, future))
        if writer is None or writer.done() or writer.get_loop() is not loop:
            self._writer = loop.create_task(self._drain())
        await future

    async def _drain(self) -> None:
        """Write what is waiting, batch after batch, until nothing is."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write([row for rows, _ in batch for row in rows])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            except BaseException:
                self._cancel(batch + self._waiting)  # shutting down: nobody waits forever
                self._waiting = []
                raise
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)

    @staticmethod
    def _cancel(callers: list[tuple[Sequence[Row], asyncio.Future[None]]]) -> None:
        for _, future in callers:
            future.cancel()

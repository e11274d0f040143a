"""The audit trail of one request: which CRNs it touched, and what the caller was told.

Every decision about a case (shown, written, limited, not found, out of the caller's
scope) is noted here as it is made; one row per CRN is written before the response
leaves. A CRN touched twice keeps the most restrictive outcome.

The rows can be written while the request goes on (``write_ahead``): the planned executor
starts the write of the cases decided so far once the next level's reads are under way,
so the write runs while OASys and the CRCs answer instead of after them. ``settle`` writes
whatever was decided since and waits for every write: the response leaves only when all
are durable. A CRN whose outcome turns more restrictive after its row was written gets a
second row with that outcome, so the trail never shows less than the caller was told.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum


class Outcome(StrEnum):
    """What the caller got for a CRN, most open first."""

    VISIBLE = "VISIBLE"
    WRITTEN = "WRITTEN"
    LIMITED_ACCESS = "LIMITED_ACCESS"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_FOUND = "NOT_FOUND"
    FAILED = "FAILED"


_RANK = {outcome: rank for rank, outcome in enumerate(Outcome)}

AuditWriter = Callable[[Mapping[str, Outcome]], Awaitable[None]]
"""Makes rows (CRN and outcome) durable; raises when it cannot."""


class AuditTrail:
    """The CRNs one request touched, and the writes of their rows."""

    def __init__(self) -> None:
        self._touched: dict[str, Outcome] = {}
        self._written: dict[str, Outcome] = {}
        self._writes: list[asyncio.Future[None]] = []
        self.writer: AuditWriter | None = None
        """Set by the API for requests whose trail is kept; None: nothing is written."""

    def touch(self, crn: str, outcome: Outcome) -> None:
        """Note a decision about a CRN."""
        previous = self._touched.get(crn)
        if previous is None or _RANK[outcome] > _RANK[previous]:
            self._touched[crn] = outcome

    def touched(self) -> dict[str, Outcome]:
        """Every CRN touched, with its outcome."""
        return dict(self._touched)

    def unwritten(self) -> bool:
        """Whether a decision awaits its row (and there is a writer to write it)."""
        return self.writer is not None and self._touched != self._written

    def write_ahead(self) -> None:
        """Start writing the rows not written yet, without waiting for the write."""
        if not self.unwritten():
            return
        assert self.writer is not None
        rows = {crn: o for crn, o in self._touched.items() if self._written.get(crn) is not o}
        self._written.update(rows)
        write = asyncio.ensure_future(self.writer(rows))
        write.add_done_callback(_retrieved)
        self._writes.append(write)

    async def settle(self) -> None:
        """Write the rows not written yet and wait for every write; raises the first
        write's failure."""
        self.write_ahead()
        writes, self._writes = self._writes, []
        for outcome in await asyncio.gather(*writes, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome


def _retrieved(write: asyncio.Future[None]) -> None:
    """A write whose request ended early (cancelled) is not reported as unretrieved."""
    if not write.cancelled():
        write.exception()

"""Stand-ins remember the W3C ``traceparent`` of each call they receive.

A test (or a curious user) can then check that a trace begun by a caller of Case Graph
reaches OASys and every CRC with the same trace id. Only the header is kept, never the
request; the log is bounded.
"""

from __future__ import annotations

from collections import deque

from starlette.requests import Request

KEPT = 1000
"""The most recent ``traceparent`` values a stand-in remembers."""


class TraceparentLog:
    """The ``traceparent`` header of each call received (None when there was none)."""

    def __init__(self) -> None:
        self.received: deque[str | None] = deque(maxlen=KEPT)

    def record(self, request: Request) -> None:
        """Remember this request's ``traceparent``."""
        self.received.append(request.headers.get("traceparent"))

    def trace_ids(self) -> set[str]:
        """The trace ids received (the second field of each well-formed header)."""
        return {value.split("-")[1] for value in self.received if value and value.count("-") == 3}

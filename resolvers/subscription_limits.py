"""Caps on live subscriptions: per websocket connection, and per caller across all of a
process's connections. Each caller is held to both, so one client opening many sockets is
capped as surely as one socket carrying many operations.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

from resolvers.errors import ErrorCode, PublicError
from resolvers.viewer import Caller


class CallerSubscriptions:
    """The live subscriptions of every caller in this process (one per application)."""

    def __init__(self, per_caller: int, per_connection: int) -> None:
        self.per_caller = per_caller
        self.per_connection = per_connection
        self.active: Counter[tuple[str, str]] = Counter()

    def connection(self) -> ConnectionSubscriptions:
        """The counter for one new websocket connection."""
        return ConnectionSubscriptions(self)


class ConnectionSubscriptions:
    """The live subscriptions of one websocket connection."""

    def __init__(self, shared: CallerSubscriptions) -> None:
        self._shared = shared
        self.active = 0

    @contextlib.contextmanager
    def hold(self, caller: Caller) -> Iterator[None]:
        """One subscription slot for as long as the block runs; TOO_MANY_SUBSCRIPTIONS
        when either cap is reached."""
        key = (caller.client_id, (caller.username or "").lower())
        if self.active >= self._shared.per_connection:
            raise _too_many(f"at most {self._shared.per_connection} subscriptions per connection")
        if self._shared.active[key] >= self._shared.per_caller:
            raise _too_many(f"at most {self._shared.per_caller} subscriptions per caller")
        self.active += 1
        self._shared.active[key] += 1
        try:
            yield
        finally:
            self.active -= 1
            self._shared.active[key] -= 1
            if self._shared.active[key] <= 0:
                del self._shared.active[key]


def _too_many(message: str) -> PublicError:
    return PublicError(message, code=ErrorCode.TOO_MANY_SUBSCRIPTIONS)

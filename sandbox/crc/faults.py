"""Fault injection and call counting for one CRC stand-in, driven by ``POST /_control``.

Tests tell an instance to be slow, flaky, rate limited, hung, down or to send garbage, and
read how often each endpoint was called, so adapter behaviour can be asserted on real HTTP.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sandbox.latency import answer_after

_HANG_LIMIT_SECONDS = 60.0


@dataclass
class FaultState:
    """The faults currently injected into one instance, and its per-endpoint call counts."""

    latency_ms: int = 0  # answer this long after the request arrived, own work included
    error_rate: float = 0.0
    rate_limited: int = 0
    retry_after: int = 1
    hang: bool = False
    down: bool = False
    malformed: bool = False
    token_ttl: int = 3600
    calls: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def apply(self, command: dict[str, Any]) -> None:
        """Apply one ``/_control`` document; ``reset`` first clears faults and counters."""
        if command.get("reset"):
            self.latency_ms, self.error_rate = 0, 0.0
            self.rate_limited, self.retry_after = 0, 1
            self.hang = self.down = self.malformed = False
            self.calls.clear()
            self.max_in_flight = self.in_flight
            self._rng = random.Random(0)
        if "latency_ms" in command:
            self.latency_ms = max(0, int(command["latency_ms"]))
        if "error_rate" in command:
            self.error_rate = min(1.0, max(0.0, float(command["error_rate"])))
        if "rate_limit" in command:
            limit = command["rate_limit"] or {}
            self.rate_limited = max(0, int(limit.get("requests", 0)))
            self.retry_after = max(0, int(limit.get("retry_after", 1)))
        for flag in ("hang", "down", "malformed"):
            if flag in command:
                setattr(self, flag, bool(command[flag]))
        if "token_ttl" in command:
            self.token_ttl = max(1, int(command["token_ttl"]))

    def describe(self) -> dict[str, Any]:
        """The state as JSON, for ``GET /_control``."""
        return {
            "faults": {
                "latency_ms": self.latency_ms,
                "error_rate": self.error_rate,
                "rate_limit": {"requests": self.rate_limited, "retry_after": self.retry_after},
                "hang": self.hang,
                "down": self.down,
                "malformed": self.malformed,
                "token_ttl": self.token_ttl,
            },
            "calls": dict(self.calls),
        }

    async def hold(self) -> None:
        """Wait while hung (bounded, released by reset)."""
        waited = 0.0
        while self.hang and waited < _HANG_LIMIT_SECONDS:
            await asyncio.sleep(0.05)
            waited += 0.05

    async def delay(self, arrived: float) -> None:
        """Wait until the injected latency has passed since the request ``arrived``
        (``sandbox.latency``)."""
        await answer_after(self.latency_ms, arrived)

    def take_rate_limit(self) -> int | None:
        """Retry-After seconds if this request is one of the next N to be refused with 429."""
        if self.rate_limited <= 0:
            return None
        self.rate_limited -= 1
        return self.retry_after

    def failing(self) -> bool:
        """True when this request should get a 503 (down, or unlucky under ``error_rate``)."""
        return self.down or (self.error_rate > 0 and self._rng.random() < self.error_rate)

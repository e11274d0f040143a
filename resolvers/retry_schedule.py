"""When a failed webhook delivery is tried again: exponential backoff with jitter, bounded.

The schedule is written here rather than taken from ``tenacity`` or ``backoff``: those retry a
call inside one running process, while a delivery's next attempt is a time stored on its queue
row, so it survives a restart and any process may make it. What is left is one formula.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetrySchedule:
    """``max_attempts`` attempts in all; the wait doubles from ``base`` up to ``cap`` seconds,
    each wait drawn between half and all of that (jitter keeps partners' retries apart)."""

    max_attempts: int = 10
    base: float = 1.0
    cap: float = 300.0
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def delay_after(self, attempts: int) -> float | None:
        """Seconds to wait after the ``attempts``-th failed attempt; None: move it aside."""
        if attempts >= self.max_attempts:
            return None
        ceiling = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return self._rng.uniform(ceiling / 2, ceiling)

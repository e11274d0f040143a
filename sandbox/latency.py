"""Injected latency, as both stand-ins (OASys and the CRCs) apply it.

A stand-in set to answer in 50 ms answers 50 ms after the request arrived, its own work
included, as a real backend's own work counts towards its answer time: however many calls
it serves at once, the latency a benchmark asked for is the latency the caller sees.
"""

from __future__ import annotations

import asyncio
import time


async def answer_after(latency_ms: float, arrived: float) -> None:
    """Wait until ``latency_ms`` has passed since the request ``arrived``
    (``time.monotonic()``); at once when it has already."""
    remaining = latency_ms / 1000 - (time.monotonic() - arrived)
    if remaining > 0:
        await asyncio.sleep(remaining)

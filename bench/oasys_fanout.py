"""How long OASys reads take through the adapter: one call, and 50 CRNs through the loaders.

Runs the stand-in on a free loopback port with 0 ms and 50 ms of added latency and prints a
markdown table. Run from the repository root: ``python -m bench.oasys_fanout``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import date

from adapters.oasys.client import OasysClient
from resolvers.risk import OasysLoaders, risk_of_serious_harm
from sandbox.oasys import CaseFacts, FaultConfig, OasysServer, SentencedEvent, build_dataset

CRNS = [f"B{n:06d}" for n in range(50)]
SEQUENTIAL_CALLS = 200
BATCHES = 10


async def _measure(url: str) -> tuple[float, float, float]:
    """(mean ms per sequential call, median ms per 50-CRN batch, max ms per batch)."""
    client = await OasysClient.create(
        url,
        timeout=3.0,
        concurrency=20,
        breaker_failures=5,
        breaker_reset=30.0,
        cache_seconds=0.0,
        deadline=10.0,
    )
    try:
        await client.risk_of_serious_harm(CRNS[0])  # warm the connection pool
        started = time.perf_counter()
        for n in range(SEQUENTIAL_CALLS):
            await client.risk_of_serious_harm(CRNS[n % len(CRNS)])
        per_call = (time.perf_counter() - started) * 1000 / SEQUENTIAL_CALLS
        batches = []
        for _ in range(BATCHES):
            loaders = OasysLoaders(client)
            started = time.perf_counter()
            await asyncio.gather(*(risk_of_serious_harm(loaders, crn) for crn in CRNS))
            batches.append((time.perf_counter() - started) * 1000)
        return per_call, statistics.median(batches), max(batches)
    finally:
        await client.aclose()


def main() -> None:
    facts = [
        CaseFacts(crn, False, (SentencedEvent(1, date(2024, 1, 1 + n % 28)),), "RMRH")
        for n, crn in enumerate(CRNS)
    ]
    dataset = build_dataset(facts, 1)
    print("| added latency | per call, sequential (ms) | 50 CRNs via loaders, median | max |")
    print("|---:|---:|---:|---:|")
    for latency in (0, 50):
        with OasysServer(dataset, faults=FaultConfig(latency_ms=latency)) as server:
            per_call, median, worst = asyncio.run(_measure(server.url))
        print(f"| {latency} ms | {per_call:.1f} | {median:.1f} ms | {worst:.1f} ms |")
    print(f"\n{SEQUENTIAL_CALLS} sequential calls; {BATCHES} batches; adapter concurrency 20.")


if __name__ == "__main__":
    main()

"""The planned executor against graphql-core: the same app, CASEGRAPH_PLANNER on and off.

    python -m bench.planned [--offenders 20000] [--seconds 10] [--concurrency 8]

Seeds a throwaway nDelius, builds the app twice in-process (httpx's ASGI transport, no
network) over one adapter, checks both answer the corpus identically, then drives the
case overview, the 50-case list and a gateway's ``_entities`` with 100 cases through
each for a fixed time with a few requests in flight, the two sides taking turns in short
rounds so a noisy machine slows both alike. One process, one event loop: one worker. The
numbers go to the "Planned executor" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Secret, Settings
from bench import figures
from bench.cluster import prepare
from bench.corpus import pick_cases
from bench.documents import CASES, ENTITIES, OVERVIEW
from bench.run import credentials
from bench.sections import replace_section
from bench.seed_bench import cpu_model
from resolvers.context import Backends
from sandbox.postgres import TemporaryPostgres

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Planned executor"
SPEED_UPS: dict[str, float] = {}
"""Planned over graphql-core req/s, per query, for bench/figures.json."""


ROUNDS = 5
"""Turns each side takes: the measured time is split into this many alternating rounds."""


async def drive(
    client: httpx.AsyncClient, requests: list[dict[str, Any]], seconds: float, concurrency: int
) -> tuple[int, float, int]:
    """Requests done over ``seconds`` with ``concurrency`` in flight, the time it took,
    and the errors among them."""
    done = 0
    failed = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, failed
        index = offset
        while time.perf_counter() < stop:
            response = await client.post("/graphql", json=requests[index % len(requests)])
            body = response.json()
            failed += response.status_code != 200 or bool(body.get("errors"))
            done += 1
            index += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return done, time.perf_counter() - started, failed


async def interleaved(
    clients: dict[bool, httpx.AsyncClient],
    requests: list[dict[str, Any]],
    seconds: float,
    concurrency: int,
) -> dict[bool, tuple[float, int]]:
    """Requests per second and errors per side, the sides alternating round by round
    (and which goes first alternating too)."""
    totals = {side: [0, 0.0, 0] for side in clients}
    for round_ in range(ROUNDS):
        for side in (False, True) if round_ % 2 == 0 else (True, False):
            done, took, failed = await drive(clients[side], requests, seconds / ROUNDS, concurrency)
            totals[side][0] += done
            totals[side][1] += took
            totals[side][2] += failed
    return {side: (t[0] / t[1], int(t[2])) for side, t in totals.items()}


async def measure(offenders: int, seconds: float, concurrency: int) -> str:
    with TemporaryPostgres("ndelius") as database, tempfile.TemporaryDirectory() as keys:
        await prepare(database.dsn, offenders, 1)
        people = await pick_cases(database.dsn, 600)
        rng = random.Random(1)
        crns = [p.crn for p in people]
        corpus = {
            "overview": [{"query": OVERVIEW, "variables": {"crn": c}} for c in crns],
            "cases50": [
                {"query": CASES, "variables": {"crns": rng.sample(crns, 50)}} for _ in range(40)
            ],
            "entities100": [
                {"query": ENTITIES, "variables": {"r": [case(c) for c in rng.sample(crns, 100)]}}
                for _ in range(20)
            ],
        }
        jwks, authorization = credentials(Path(keys))
        settings = Settings(
            delius_dsn=Secret(database.dsn), search_refresh_seconds=0, jwks=str(jwks)
        )
        delius = await DeliusAdapter.connect(database.dsn)
        rows: list[str] = []
        try:
            clients = {}
            for planner in (False, True):
                app = create_app(
                    dataclasses.replace(settings, planner=planner),
                    backends=Backends(delius=delius),
                )
                clients[planner] = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://casegraph.bench",
                    headers={"Authorization": authorization},
                )
            for name, requests in corpus.items():
                for request in requests[:20]:  # same answers, and warm caches
                    answers = [
                        (await clients[p].post("/graphql", json=request)).content
                        for p in (False, True)
                    ]
                    assert answers[0] == answers[1], name
                for planner in (False, True):
                    await drive(clients[planner], requests, 2.0, concurrency)
                rates = await interleaved(clients, requests, seconds, concurrency)
                before, after = rates[False][0], rates[True][0]
                SPEED_UPS[name] = after / before
                rows.append(
                    f"| {name} | {before:,.1f} | {after:,.1f} | {after / before:.2f} "
                    f"| {rates[False][1] + rates[True][1]} |"
                )
            for client in clients.values():
                await client.aclose()
        finally:
            await delius.aclose()
    return "\n".join(
        [
            HEADING,
            "",
            f"`python -m bench.planned --offenders {offenders} --seconds {seconds:g} "
            f"--concurrency {concurrency}`",
            "",
            f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), Python "
            f"{platform.python_version()}; in-process (httpx ASGI transport, no "
            f"network), one event loop (one worker), {concurrency} requests in flight, "
            f"{offenders:,} offenders; the same app with CASEGRAPH_PLANNER off (before: "
            "graphql-core) and on (after: planned). Every request carries a bearer token "
            "and writes its audit row, as in production.",
            "- Before measuring, the first 20 requests of each query were sent to both and "
            "answered with identical bytes. Each side then warmed for 2 s, and the measured "
            f"time was split into {ROUNDS} rounds a side, the sides taking turns. "
            "`entities100` is a gateway's `_entities` with 100 `Case` representations.",
            "",
            "| query | graphql-core req/s | planned req/s | speed-up | errors |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            "These are in-process numbers; PostGraphile and the floor are measured over "
            "loopback with wrk in the Case Graph vs alternatives section, where the planner "
            "is on (the default).",
            "",
        ]
    )


def case(crn: str) -> dict[str, str]:
    """A federation representation of one case."""
    return {"__typename": "Case", "crn": crn}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()
    section = asyncio.run(measure(options.offenders, options.seconds, options.concurrency))
    print(section)
    RESULTS.write_text(replace_section(RESULTS.read_text(), section, HEADING))
    figures.record("planned", {"speed_ups": SPEED_UPS})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

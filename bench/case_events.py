"""Case events from a commit in nDelius to a webhook acknowledged by a CRC, under load.

    python -m bench.case_events [--offenders 20000] [--rate 100] [--duration 30]
                                [--burst 3000]

One throwaway PostgreSQL (``wal_level=logical``), seeded; the four CRC stand-ins on free
loopback ports, receiving webhooks; ``casegraph serve`` (one worker) capturing the slot
and delivering. The load is what nDelius does: one plain-SQL transaction per change (an
appointment booked on a case a CRC holds, ``sandbox/activity.py``), each giving one event
to one partner. Latency runs from the moment the commit returned to the moment the
stand-in received the signed webhook, matched per case in order (delivery is in order per
case). Two phases:

1. paced: ``--rate`` changes per second for ``--duration`` seconds; p50/p95/p99 latency,
   the CPU Case Graph and PostgreSQL spent per event, and the WAL the slot kept (sampled);
2. burst: ``--burst`` changes committed as fast as four writers can; events per second
   from the first commit to the last delivery (what the pipeline sustains).

The "Case events" section of bench/RESULTS.md is replaced with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import asyncpg

from bench import servers
from bench.cluster import prepare
from bench.cpu import CpuMeter, postmaster_pid
from bench.run import credentials
from bench.sections import replace_section
from bench.seed_bench import cpu_model
from sandbox.activity import book_appointment
from sandbox.crc import CrcServers, build_datasets, facts_from_delius, start_crc_servers
from sandbox.postgres import TemporaryPostgres

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADING = "## Case events"
BOOKED = "probation-case.appointment.booked"
_DRAIN_SECONDS = 120.0

_CASES = """
SELECT DISTINCT ON (o.OFFENDER_ID) o.OFFENDER_ID, o.CRN, a.CODE
FROM OFFENDER o
JOIN OFFENDER_MANAGER m ON m.OFFENDER_ID = o.OFFENDER_ID AND m.ACTIVE_FLAG = 1
                        AND m.SOFT_DELETED = 0
JOIN PROBATION_AREA a ON a.PROBATION_AREA_ID = m.PROBATION_AREA_ID
JOIN CONTACT c ON c.OFFENDER_ID = o.OFFENDER_ID AND c.SOFT_DELETED = 0
JOIN R_CONTACT_TYPE t ON t.CONTACT_TYPE_ID = c.CONTACT_TYPE_ID AND t.ATTENDANCE_CONTACT = 'Y'
WHERE o.SOFT_DELETED = 0 AND o.CURRENT_EXCLUSION = 0 AND o.CURRENT_RESTRICTION = 0
  AND a.CODE = ANY($1::text[])
ORDER BY o.OFFENDER_ID
"""
_SLOT_WAL = """
SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0)::bigint
FROM pg_replication_slots
"""
_PARTNERS = "SELECT count(*) FROM casegraph.webhook_partner"


@dataclasses.dataclass
class Phase:
    """The commits of one phase: (crn, commit time) in order, and the WAL samples."""

    commits: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    wal_bytes: list[int] = dataclasses.field(default_factory=list)


def latencies(phase: Phase, crcs: CrcServers) -> list[float]:
    """Commit-to-arrival seconds, the k-th booking of a case matched to its k-th arrival."""
    arrivals: dict[str, deque[float]] = defaultdict(deque)
    for instance in crcs.instances.values():
        for item in list(instance.inbox.received):
            envelope = item["envelope"]
            if item["duplicate"] or envelope["eventType"] != BOOKED:
                continue
            crn = envelope["personReference"]["identifiers"][0]["value"]
            arrivals[crn].append(float(item["arrivedAt"]))
    found = []
    for crn, committed in phase.commits:
        if arrivals[crn]:
            found.append(arrivals[crn].popleft() - committed)
    return found


def delivered(crcs: CrcServers) -> int:
    return sum(
        1
        for instance in crcs.instances.values()
        for item in list(instance.inbox.received)
        if not item["duplicate"] and item["envelope"]["eventType"] == BOOKED
    )


_STORED = f"""
SELECT crn, extract(epoch FROM stored_at) AS stored FROM casegraph.case_event
WHERE event_type = '{BOOKED}' ORDER BY position
"""


async def stored_latencies(dsn: str, phase: Phase) -> list[float]:
    """Commit-to-storage seconds (the capture's share), matched per case like arrivals."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(_STORED)
    finally:
        await connection.close()
    stored: dict[str, deque[float]] = defaultdict(deque)
    for row in rows:
        stored[row["crn"]].append(float(row["stored"]))
    return [stored[crn].popleft() - committed for crn, committed in phase.commits if stored[crn]]


async def _sample_wal(dsn: str, phase: Phase, stop: asyncio.Event) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        while not stop.is_set():
            phase.wal_bytes.append(int(await connection.fetchval(_SLOT_WAL)))
            await asyncio.sleep(0.5)
    finally:
        await connection.close()


async def paced(dsn: str, cases: list[tuple[int, str]], rate: float, seconds: float) -> Phase:
    """``rate`` bookings a second, each its own transaction, on the cases in turn."""
    phase, stop = Phase(), asyncio.Event()
    sampler = asyncio.create_task(_sample_wal(dsn, phase, stop))
    connection = await asyncpg.connect(dsn)
    try:
        started = time.monotonic()
        for index in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            offender_id, crn = cases[index % len(cases)]
            await book_appointment(connection, offender_id)
            phase.commits.append((crn, time.time()))
    finally:
        await connection.close()
        stop.set()
        await sampler
    return phase


async def burst(dsn: str, cases: list[tuple[int, str]], count: int, writers: int = 4) -> Phase:
    """``count`` bookings committed as fast as ``writers`` connections can."""
    phase = Phase()
    queue = list(range(count))

    async def writer() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            while queue:
                offender_id, crn = cases[queue.pop() % len(cases)]
                await book_appointment(connection, offender_id)
                phase.commits.append((crn, time.time()))
        finally:
            await connection.close()

    await asyncio.gather(*(writer() for _ in range(writers)))
    return phase


async def until_delivered(crcs: CrcServers, expected: int) -> float:
    """Wait (bounded) until ``expected`` bookings have arrived; the time it happened."""
    for _ in range(int(_DRAIN_SECONDS / 0.02)):
        if delivered(crcs) >= expected:
            break
        await asyncio.sleep(0.02)
    return time.time()


async def until_running(dsn: str, partners: int) -> None:
    """Until every partner has its queue position and the capture's slot exists."""
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(600):
            slots = await connection.fetchval("SELECT count(*) FROM pg_replication_slots")
            if await connection.fetchval(_PARTNERS) >= partners and slots:
                return
            await asyncio.sleep(0.1)
        raise RuntimeError("capture or delivery did not start")
    finally:
        await connection.close()


def _ms(values: list[float], share: float) -> str:
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]:.0f}"


def section(args: argparse.Namespace, results: dict[str, Any]) -> str:
    """The markdown of the results."""
    lat, stored = results["latencies"], results["stored_latencies"]
    lines = [
        HEADING,
        "",
        f"`python -m bench.case_events --offenders {args.offenders} --rate {args.rate:g} "
        f"--duration {args.duration:g} --burst {args.burst}` on {results['machine']}: "
        "`casegraph serve` (1 worker) capturing the slot and delivering to 4 CRC stand-ins "
        "(in the benchmark's process); each change is one plain-SQL transaction (an "
        "appointment booked on a CRC's case) giving one event to one partner.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| paced load | {results['paced_rate']:.1f} changes/s for {args.duration:g} s "
        f"({results['paced_count']} events) |",
        f"| delivered | {len(lat)} of {results['paced_count']} |",
        f"| commit to webhook acknowledged, p50 / p95 / p99 / max | {_ms(lat, 0.5)} / "
        f"{_ms(lat, 0.95)} / {_ms(lat, 0.99)} / {_ms(lat, 1.0)} ms (target p99 < 2000) |",
        f"| of which commit to stored in the feed (the capture), p50 / p99 | "
        f"{_ms(stored, 0.5)} / {_ms(stored, 0.99)} ms |",
        f"| Case Graph CPU per event | {results['casegraph_cpu_ms']:.2f} ms |",
        f"| PostgreSQL CPU per event (all of it: nDelius writes, decoding, feed, queue) "
        f"| {results['postgres_cpu_ms']:.2f} ms |",
        f"| machine busy during the paced load; load average before / after "
        f"| {results['busy']:.0%}; {results['load'][0]:.1f} / {results['load'][1]:.1f} "
        f"on {os.cpu_count()} CPUs |",
        f"| WAL kept by the slot, mean / max of samples | {results['wal_mean_kib']:.0f} / "
        f"{results['wal_max_kib']:.0f} KiB |",
        f"| burst: {args.burst} changes committed by 4 writers | "
        f"{results['burst_commit_rate']:.0f} commits/s |",
        f"| sustained, first commit to last webhook acknowledged | "
        f"{results['burst_events_per_second']:.0f} events/s ({results['burst_delivered']} "
        f"delivered in {results['burst_seconds']:.1f} s) |",
        "",
    ]
    return "\n".join(lines)


async def measure(
    args: argparse.Namespace, dsn: str, crcs: CrcServers, pids: dict[str, int]
) -> dict[str, Any]:
    """Both phases against the running pipeline."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(_CASES, sorted(crcs.instances))
    finally:
        await connection.close()
    cases = [(int(r["offender_id"]), str(r["crn"])) for r in rows]
    await until_running(dsn, len(crcs.instances))
    meter = CpuMeter(pids)
    load_before = os.getloadavg()[0]
    meter.start()
    started = time.monotonic()
    phase = await paced(dsn, cases, args.rate, args.duration)
    elapsed = time.monotonic() - started
    await until_delivered(crcs, len(phase.commits))
    cpu = meter.stop()
    load_after = os.getloadavg()[0]
    lat = latencies(phase, crcs)
    captured = await stored_latencies(dsn, phase)
    before = delivered(crcs)
    burst_phase = await burst(dsn, cases, args.burst)
    first_commit = min(t for _, t in burst_phase.commits)
    last_commit = max(t for _, t in burst_phase.commits)
    done = await until_delivered(crcs, before + len(burst_phase.commits))
    count = len(phase.commits)
    burst_delivered = delivered(crcs) - before
    wal = phase.wal_bytes or [0]
    return {
        "latencies": lat,
        "stored_latencies": captured,
        "paced_count": count,
        "paced_rate": count / elapsed,
        "casegraph_cpu_ms": 1000 * cpu.seconds["casegraph"] / count,
        "postgres_cpu_ms": 1000 * cpu.seconds["postgres"] / count,
        "busy": cpu.busy,
        "load": (load_before, load_after),
        "wal_mean_kib": statistics.mean(wal) / 1024,
        "wal_max_kib": max(wal) / 1024,
        "burst_commit_rate": len(burst_phase.commits) / max(1e-6, last_commit - first_commit),
        "burst_delivered": burst_delivered,
        "burst_seconds": done - first_commit,
        "burst_events_per_second": burst_delivered / max(1e-6, done - first_commit),
    }


def main() -> int:
    """Run both phases and rewrite the section."""
    parser = argparse.ArgumentParser(prog="python -m bench.case_events", description=__doc__)
    parser.add_argument("--offenders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    with (
        TemporaryPostgres(settings={"max_connections": "200"}) as database,
        tempfile.TemporaryDirectory() as scratch,
    ):
        prepared = asyncio.run(prepare(database.dsn, args.offenders, args.seed))
        facts = asyncio.run(facts_from_delius(database.dsn))
        with start_crc_servers(build_datasets(facts, args.seed), base_port=0) as crcs:
            jwks, _ = credentials(Path(scratch))
            spec = servers.casegraph(database.dsn, jwks, workers=1)
            spec = dataclasses.replace(
                spec,
                env={
                    **spec.env,
                    "CASEGRAPH_CRC_REGISTRY": crcs.registry_json(),
                    "CASEGRAPH_EVENTS_CAPTURE": "true",  # off by default in benchmarks
                },
            )
            with servers.serving(spec, Path(scratch)) as server:
                pids = {"casegraph": server.pid, "postgres": postmaster_pid(database.data_dir)}
                results = asyncio.run(measure(args, database.dsn, crcs, pids))
    results["machine"] = (
        f"{os.cpu_count()} CPUs ({cpu_model()}), PostgreSQL {prepared.server_version}, "
        f"{args.offenders:,} offenders"
    )
    text = section(args, results)
    print(text)
    document = args.results.read_text() if args.results.exists() else ""
    args.results.write_text(replace_section(document, text, HEADING))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

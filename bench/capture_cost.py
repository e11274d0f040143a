"""What the case-event capture costs a server under read traffic, and its PostgreSQL.

``python -m bench.capture_cost [--offenders 5000] [--rounds 6] [--seconds 8]`` seeds a
throwaway nDelius and starts two one-worker ``casegraph serve`` of this code over it, one
with the capture on (``CASEGRAPH_EVENTS_CAPTURE=true``, the default outside benchmarks)
and one with it off, then drives each with wrk in turn, interleaved (the order rotating).
The traffic only reads cases, yet every answered query commits its audit row, so the
capture has commits to read all the while and no event to store. Writes the "Case-event
capture under read load" section of bench/RESULTS.md and its figures into
bench/figures.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg

from adapters.delius.migrate import migrate, refresh_search
from bench import figures
from bench.cpu import CpuMeter, postmaster_pid
from bench.documents import OVERVIEW
from bench.load import Request, run_wrk, write_corpus
from bench.run import credentials
from bench.sections import write_section
from bench.servers import RunningServer, ServerSpec, casegraph
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres

HEADING = "## Case-event capture under read load"
RESULTS = Path(__file__).with_name("RESULTS.md")
SIDES = ("off", "on")
WARM_UP_SECONDS = 3.0


@dataclasses.dataclass(frozen=True)
class Round:
    """One wrk run of one side."""

    rps: float
    server_ms: float
    postgres_ms: float


async def run(args: argparse.Namespace) -> dict[str, list[Round]]:
    """Seed, serve both sides, measure interleaved."""
    with TemporaryPostgres("capture_cost") as database, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        await load_contract(database.dsn)
        await seed_database(database.dsn, offenders=args.offenders, seed=1)
        await migrate(database.dsn)
        await refresh_search(database.dsn)
        crns = await _some_crns(database.dsn)
        jwks, authorization = credentials(work)
        base = casegraph(database.dsn, jwks, workers=1)
        postmaster = postmaster_pid(Path(database.data_dir))
        return await asyncio.to_thread(measure, base, crns, work, authorization, postmaster, args)


async def _some_crns(dsn: str) -> list[str]:
    """Cases anyone may read: no exclusion or restriction."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT crn FROM offender WHERE soft_deleted = 0 AND current_exclusion = 0"
            " AND current_restriction = 0 ORDER BY crn LIMIT 200"
        )
    finally:
        await connection.close()
    return [row["crn"].strip() for row in rows]


def sides(base: ServerSpec) -> dict[str, ServerSpec]:
    """The two servers: this code and settings, the capture off and on."""
    return {
        side: dataclasses.replace(
            base,
            name=f"capture-{side}",
            env={**base.env, "CASEGRAPH_EVENTS_CAPTURE": "true" if side == "on" else "false"},
        )
        for side in SIDES
    }


def measure(
    base: ServerSpec,
    crns: list[str],
    work: Path,
    authorization: str,
    postmaster: int,
    args: argparse.Namespace,
) -> dict[str, list[Round]]:
    """Each side's rounds: req/s, and server and PostgreSQL CPU ms per request."""
    corpus = [Request("/graphql", {"query": OVERVIEW, "variables": {"crn": c}}) for c in crns]
    path = write_corpus(corpus, work / "overview.txt")
    servers = {side: RunningServer(spec, work) for side, spec in sides(base).items()}
    found: dict[str, list[Round]] = {side: [] for side in SIDES}
    try:
        for server in servers.values():
            server.wait_ready()
        for server in servers.values():
            run_wrk(
                server.url,
                path,
                seconds=WARM_UP_SECONDS,
                concurrency=args.concurrency,
                authorization=authorization,
            )
        for number in range(args.rounds):
            order = SIDES if number % 2 == 0 else SIDES[::-1]
            for side in order:
                time.sleep(0.3)
                server = servers[side]
                meter = CpuMeter({"server": server.pid, "postgres": postmaster})
                meter.start()
                result = run_wrk(
                    server.url,
                    path,
                    seconds=args.seconds,
                    concurrency=args.concurrency,
                    authorization=authorization,
                )
                spent = meter.stop().seconds
                if result.errors:
                    raise RuntimeError(f"{server.spec.name} answered {result.errors} errors")
                requests = max(result.requests, 1)
                found[side].append(
                    Round(
                        result.rps,
                        1000 * spent["server"] / requests,
                        1000 * spent["postgres"] / requests,
                    )
                )
                print(f"round {number + 1} capture {side}: {result.rps:.0f} req/s", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    return found


def render(found: dict[str, list[Round]], args: argparse.Namespace) -> tuple[str, dict[str, float]]:
    """The markdown section, and its figures."""
    off, on = found["off"], found["on"]
    drop = statistics.median(1 - o.rps / f.rps for o, f in zip(on, off, strict=True))
    medians = {
        f"{side}_{name}": statistics.median(getattr(r, name) for r in found[side])
        for side in SIDES
        for name in ("rps", "server_ms", "postgres_ms")
    }
    figures_found = {**medians, "rps_drop": drop, "rounds": args.rounds}
    rows = [
        f"| capture {side} | {medians[f'{side}_rps']:.0f} "
        f"({', '.join(f'{r.rps:.0f}' for r in found[side])}) | "
        f"{medians[f'{side}_server_ms']:.2f} | {medians[f'{side}_postgres_ms']:.2f} |"
        for side in SIDES
    ]
    lines = [
        HEADING,
        "",
        f"`python -m bench.capture_cost --offenders {args.offenders} --rounds {args.rounds} "
        f"--seconds {args.seconds:g}`: two `casegraph serve --workers 1` of this code over "
        f"one database of {args.offenders:,} offenders, the case-event capture on in one and "
        f"off in the other; wrk with {args.concurrency} connections sends the case overview "
        f"over 200 cases, {args.seconds:g} s a run, {args.rounds} rounds interleaved after "
        f"{WARM_UP_SECONDS:g} s of warm-up each. The traffic only reads, but every answer "
        "commits its audit row, so the capture has commits to read throughout and no event "
        "to store: what it costs nDelius to be watched for changes while Case Graph serves.",
        "",
        "| server | req/s: median (rounds) | server CPU ms a request "
        "| PostgreSQL CPU ms a request |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"With the capture on, req/s changes by {-drop:+.1%} (the median over the rounds "
        "of the change from the same round's `off`), PostgreSQL's CPU a request by "
        f"{medians['on_postgres_ms'] - medians['off_postgres_ms']:+.2f} ms and the "
        f"server's by {medians['on_server_ms'] - medians['off_server_ms']:+.2f} ms. "
        "The other benchmarks run Case Graph with the capture off, as no other target "
        "captures changes.",
        "",
    ]
    return "\n".join(lines), figures_found


def main() -> None:
    """Measure, then rewrite this benchmark's section of RESULTS.md and its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offenders", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    found = asyncio.run(run(args))
    section, found_figures = render(found, args)
    write_section(RESULTS, section, HEADING)
    figures.record("capture_cost", found_figures)
    print(section)


if __name__ == "__main__":
    main()

"""Case Graph side by side with PostGraphile, a naive resolver server and the raw-SQL floor.

    python -m bench.run [--offenders 50000] [--duration 10] [--concurrency 20]
                        [--skip-postgraphile]

One throwaway PostgreSQL (with pg_stat_statements), seeded once; every server started at
once, each on its own loopback port; then query by query, each server in turn (so a
slow patch of the shared machine falls on every target of a query alike), wrk drives it
for a fixed duration after a warm-up. The "Case Graph vs alternatives" section of
bench/RESULTS.md is replaced with the results, and its figures go to bench/figures.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from api.settings import Settings
from api.tokens import SigningKey, save_key
from bench import batch_lookup, corpus, crosscheck, figures, servers
from bench.cluster import StatementCounter, StatsPostgres, prepare
from bench.cpu import CpuMeter, postmaster_pid
from bench.load import Request, run_wrk, write_corpus, wrk_path
from bench.report import HEADING, Footprint, Measurement, machine, render
from bench.sections import replace_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def ensure_postgraphile() -> bool:
    """Install PostGraphile and Node 22 from package-lock.json if they are not there yet."""
    if (servers.POSTGRAPHILE_DIR / "node_modules" / ".bin" / "node").exists():
        return True
    print("installing PostGraphile (npm ci in bench/postgraphile) ...", flush=True)
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"], cwd=servers.POSTGRAPHILE_DIR, check=False
    )
    return done.returncode == 0


def credentials(folder: Path) -> tuple[Path, str]:
    """A signing key of the benchmark's own: the JWKS Case Graph trusts, and a bearer token
    for a client with the case-reading role and no user (limited-access cases stay hidden)."""
    key = SigningKey.generate()
    jwks = save_key(key, folder / "keys")
    defaults = Settings()
    token = key.mint(
        issuer=defaults.jwt_issuer,
        audience=defaults.jwt_audience,
        client_id="casegraph-bench",
        roles=("ROLE_CASEGRAPH_READ",),
        lifetime=6 * 3600,
    )
    return jwks, f"Bearer {token}"


Plan = list[tuple[servers.ServerSpec, tuple[str, ...]]]
Outcome = tuple[list[Measurement], list[Footprint], list[str]]


def targets(dsn: str, jwks: Path, workers: int, with_postgraphile: bool) -> Plan:
    """Every server to measure, with the queries it answers."""
    everything = corpus.QUERIES + corpus.CASE_VIEWS
    plan: Plan = [
        (servers.casegraph(dsn, jwks, workers=1), everything),
        (servers.casegraph(dsn, jwks, workers=1, batching=False), corpus.QUERIES),
    ]
    if workers > 1:
        plan.append((servers.casegraph(dsn, jwks, workers=workers), everything))
    if with_postgraphile:
        plan.append((servers.postgraphile(dsn), corpus.DB_ONLY + corpus.CASE_VIEWS))
    plan.append((servers.floor_rows(dsn), corpus.DB_ONLY))
    plan.append((servers.floor(dsn), corpus.DB_ONLY))
    if workers > 1:
        plan.append((servers.floor(dsn, workers=workers), corpus.DB_ONLY))
    plan.append((servers.floor(dsn, audited=True), corpus.DB_ONLY))
    return plan


SEQUENTIAL = 10
CHECKED = {"overview": 20, "cases50": 2, "caseview": 20, "caseview50": 2}
"""How many requests of each query have their answers compared across targets."""


def answer(client: httpx.Client, request: Request) -> Any:
    """Send one request and insist it succeeds (LIMITED_ACCESS nodes aside)."""
    response = client.post(request.path, json=request.body)
    body = response.json()
    errors = body.get("errors", []) if isinstance(body, dict) else []
    codes = {e.get("extensions", {}).get("code") for e in errors}
    if response.status_code != 200 or codes - {"LIMITED_ACCESS"}:
        raise RuntimeError(f"{request.path} answered {response.status_code}: {body!r:.500}")
    return body


async def statements_per_request(
    counter: StatementCounter, client: httpx.Client, batch: Sequence[Request]
) -> tuple[float, float]:
    """SQL statements and database milliseconds per request, over a few requests sent one
    at a time on a quiet server."""
    await counter.drain()
    await counter.reset()
    sample = list(batch[:SEQUENTIAL])
    for request in sample:
        await asyncio.to_thread(answer, client, request)
    calls, milliseconds = await counter.read()
    return calls / len(sample), milliseconds / len(sample)


@dataclasses.dataclass
class Target:
    """A started server, the queries it answers and the requests family it is sent."""

    spec: servers.ServerSpec
    queries: tuple[str, ...]
    server: servers.RunningServer
    client: httpx.Client
    family: str


def bench(args: argparse.Namespace, dsn: str, database_pid: int, work: Path) -> Outcome:
    """Measure every target; return the measurements, footprints and cross-check notes.
    ``database_pid`` is PostgreSQL's main process, whose tree's CPU is measured too."""
    people = asyncio.run(corpus.pick_cases(dsn))
    requests = {"casegraph": corpus.casegraph_requests(people)}
    requests["postgraphile"] = corpus.postgraphile_requests(requests["casegraph"])
    requests["floor"] = corpus.floor_requests(requests["casegraph"])
    counter = StatementCounter(dsn)
    jwks, authorization = credentials(work)
    headers = {"Authorization": authorization}
    measurements: list[Measurement] = []
    answers: dict[str, dict[str, list[Any]]] = {query: {} for query in CHECKED}
    with_postgraphile = not args.skip_postgraphile and ensure_postgraphile()
    if with_postgraphile:
        asyncio.run(batch_lookup.install(dsn))
    with contextlib.ExitStack() as stack:
        started: list[Target] = []
        for spec, queries in targets(dsn, jwks, args.workers, with_postgraphile):
            server = stack.enter_context(servers.serving(spec, work))
            client = stack.enter_context(
                httpx.Client(base_url=server.url, headers=headers, timeout=60)
            )
            family = next((f for f in ("postgraphile", "floor") if spec.name.startswith(f)),
                          "casegraph")  # fmt: skip
            started.append(Target(spec, queries, server, client, family))
        first = next(t for t in started if t.family == "casegraph")
        requests["casegraph"]["contacts_page5"] = corpus.contacts_page5_requests(
            first.server.url, people, headers
        )
        order = list(dict.fromkeys(q for target in started for q in target.queries))
        for query in order:
            for target in (t for t in started if query in t.queries):
                batch = requests[target.family][query]
                answer(target.client, batch[0])  # a target that fails here is not measured
                if query in answers:
                    sample = batch[: CHECKED[query]]
                    answers[query][target.spec.name] = [
                        case
                        for request in sample
                        for case in crosscheck.summarise(
                            target.family, query, answer(target.client, request)
                        )
                    ]
                measured = measure(args, target, query, batch, counter, database_pid, work)
                measurements.append(measured)
        footprints = [
            Footprint(t.spec.name, t.server.processes(), t.server.peak_rss_mb()) for t in started
        ]
    notes = []
    for query, found in answers.items():
        differing = crosscheck.differences(found, crosscheck.fields_of(query))
        verdict = "; ".join(differing) if differing else "all targets agree"
        notes.append(
            f"Same rows ({query}, the first {CHECKED[query]} requests of the corpus, compared "
            f"case by case with Case Graph's answers, see bench/crosscheck.py): {verdict}."
        )
    if with_postgraphile:
        notes.append(explained_note(dsn, requests["casegraph"]["cases50"][0], measurements))
    return measurements, footprints, notes


def measure(
    args: argparse.Namespace,
    target: Target,
    query: str,
    batch: Sequence[Request],
    counter: StatementCounter,
    database_pid: int,
    work: Path,
) -> Measurement:
    """One (target, query) run: warm-up, the measured wrk run, then statements per request."""
    name = target.spec.name
    path = write_corpus(batch, work / f"{name}-{query}.txt")
    load = {"concurrency": args.concurrency, "authorization": credentials_of(target)}
    run_wrk(target.server.url, path, seconds=args.warmup, **load)
    asyncio.run(counter.drain())
    meter = CpuMeter({"server": target.server.pid, "database": database_pid})
    meter.start()
    result = run_wrk(target.server.url, path, seconds=args.duration, **load)
    cpu = meter.stop()
    per_request, db_ms = asyncio.run(statements_per_request(counter, target.client, batch))
    measured = Measurement(name, query, result, per_request, db_ms, cpu)
    print(
        f"{name:22} {query:15} {result.rps:9.1f} req/s  "
        f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
        f"errors {result.errors}  SQL/req {per_request:.1f}  DB ms/req {db_ms:.1f}  "
        f"CPU ms/req {measured.cpu_ms('server'):.2f} server "
        f"+ {measured.cpu_ms('database'):.2f} db  busy {cpu.busy:.0%}",
        flush=True,
    )
    return measured


def credentials_of(target: Target) -> str:
    """The bearer token every target is sent (PostGraphile and the floors ignore it)."""
    return str(target.client.headers["Authorization"])


def explained_note(dsn: str, request: Request, measurements: Sequence[Measurement]) -> str:
    """What EXPLAIN ANALYZE says of PostGraphile's batch lookup, beside each side's DB ms."""
    crns = request.body["variables"]["crns"]  # type: ignore[index]
    found = asyncio.run(batch_lookup.explain(dsn, crns))
    db_ms = {(m.target, m.query): m.db_ms_per_request for m in measurements}
    beside = "; ".join(
        f"{query}: PostGraphile {db_ms[('postgraphile', query)]:.1f}, "
        f"Case Graph {db_ms[('casegraph-1w', query)]:.1f}"
        for query in ("cases50", "caseview50")
        if ("postgraphile", query) in db_ms and ("casegraph-1w", query) in db_ms
    )
    return (
        f"PostGraphile's lists find their 50 cases with `offendersByCrns` "
        f"(bench/postgraphile/batch.sql). EXPLAIN ANALYZE of its statement for the first "
        f"batch: {', '.join(found.scans)}; {found.rows} rows in {found.execution_ms:.2f} ms; "
        f"{'reads through the index' if found.indexed else 'does NOT use the index'}. "
        f"PostgreSQL ms per request (DB ms/req above): {beside}."
    )


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=50_000, help="e.g. 50000 or 250000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each one")
    parser.add_argument("--concurrency", type=int, default=20, help="open connections")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="workers for the multi-worker Case Graph run")  # fmt: skip
    parser.add_argument("--skip-postgraphile", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.run``."""
    args = parse(argv)
    wrk_path()
    load_before = os.getloadavg()[0]
    # A SIGTERM unwinds like Ctrl-C, so the servers and the cluster are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    with StatsPostgres() as postgres, tempfile.TemporaryDirectory(prefix="casegraph-bench-") as tmp:
        print(f"seeding {args.offenders:,} offenders ...", flush=True)
        prepared = asyncio.run(prepare(postgres.dsn, args.offenders, args.seed))
        database_pid = postmaster_pid(postgres.data_dir)
        measurements, footprints, notes = bench(args, postgres.dsn, database_pid, Path(tmp))
    settings = (
        f"wrk, 1 thread, {args.concurrency} keep-alive connections, {args.warmup:g} s warm-up "
        f"then {args.duration:g} s measured per (target, query), the server drained "
        f"between runs; SQL/req from pg_stat_statements over {SEQUENTIAL} requests of the "
        f"corpus sent one at a time after the run (DB ms/req: their execution time in "
        f"PostgreSQL, alone on the server); server and PostgreSQL CPU ms/req: the user and "
        f"system CPU of each one's process tree over the measured window, per request; "
        f"machine busy: the share of all CPUs not idle over it; total run "
        f"{time.perf_counter() - started:.0f} s."
    )
    node = servers.POSTGRAPHILE_DIR / "node_modules" / ".bin" / "node"
    command = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    section = render(
        command=command.strip(),
        prepared=prepared,
        machine_line=machine(prepared, str(node))
        + f"; 1-minute load average {load_before:.1f} before the run (the machine is shared)",
        settings=settings,
        measurements=measurements,
        footprints=footprints,
        notes=notes,
    )
    existing = args.results.read_text() if args.results.exists() else ""
    args.results.write_text(replace_section(existing, section, HEADING))
    figures.record("alternatives", {
        "measurements": [
            {"target": m.target, "query": m.query, "rps": m.result.rps,
             "p50_ms": m.result.p50_ms, "errors": m.result.errors,
             "statements": m.statements_per_request, "db_ms": m.db_ms_per_request,
             "server_cpu_ms": m.cpu_ms("server"), "database_cpu_ms": m.cpu_ms("database")}
            for m in measurements
        ],
        "peak_rss_mb": {f.target: f.peak_rss_mb for f in footprints},
    })  # fmt: skip
    print(f"wrote {args.results}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

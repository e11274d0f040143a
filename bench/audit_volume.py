"""The audit trail at volume: insert cost and ``casegraph audit --crn`` time at 1 million
and at 100 million rows, written to the "Audit trail at volume" section of RESULTS.md.

Kept out of ``python -m bench`` (and so out of CI): the 100 million rows take about 15 GB
and a good part of an hour to generate. Run it alone with ``python -m bench.audit_volume``
(``--rows 1000000`` for a quick pass). The rows are generated inside PostgreSQL with
``generate_series`` straight into the partitioned ``casegraph.audit_event``, spread over
the twelve months before now for 250,000 CRNs, then the database is dropped.

Each stage measures, on the same database: the audit write of one request (one row for one
CRN, through the adapter's ``record_audit``, as every request does) timed from the client
over loopback, and the read behind ``casegraph audit --crn`` (``audit_for_crn``, newest
100) for random CRNs, warm; plus PostgreSQL's own execution time of that read (EXPLAIN
ANALYZE) and the size of the table and its indexes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.audit import AUDIT_BY_CRN_SQL
from adapters.delius.migrate import migrate
from adapters.records import AuditEntry
from bench.sections import write_section
from sandbox.ndelius.load import load_contract
from sandbox.postgres import TemporaryPostgres

RESULTS = Path(__file__).with_name("RESULTS.md")
MEASURED = Path(__file__).with_name("audit_volume.json")
"""Every stage measured so far, by size: the section is rendered from all of them."""
HEADING = "## Audit trail at volume"
PEOPLE = 250_000
MONTHS = 12
CHUNK = 2_000_000
INSERTS = 2_000
READS = 300
BULK_ABOVE = 5_000_000
"""A stage adding more rows than this loads without indexes and builds them after."""

_GENERATE = """
INSERT INTO casegraph.audit_event (occurred_at, username, client_id, provider, operation_name,
                                   document_hash, crn, outcome, correlation_id)
SELECT $1::timestamptz + random() * ($2::timestamptz - $1::timestamptz),
       'user' || (g % 5000), 'casegraph-frontend', NULL, 'CaseOverview',
       'sha256:' || md5((g % 400)::text),
       'X' || lpad((floor(random() * $4::int))::int::text, 6, '0'),
       'ALLOWED', md5(g::text)
FROM generate_series(1, $3::int) AS g
"""


def crn_of(number: int) -> str:
    """The CRN the generator gives person ``number``."""
    return f"X{number:06d}"


async def add_rows(dsn: str, rows: int, *, bulk: bool) -> float:
    """Generate ``rows`` audit rows across the last twelve months; seconds taken.

    ``bulk`` drops the trail's primary key and indexes first and builds them again after,
    as a restore would: maintaining them row by row for 100 million random CRNs takes
    hours on 2 cores. The measurements then run against freshly built indexes.
    """
    started = time.monotonic()
    connection = await asyncpg.connect(dsn, command_timeout=None)
    try:
        rebuild = await _drop_indexes(connection) if bulk else []
        await connection.execute(
            "SELECT casegraph.create_audit_partitions(now() - make_interval(months => $1), now())",
            MONTHS,
        )
        bounds = await connection.fetch(
            "SELECT date_trunc('month', now()) - make_interval(months => m) AS low"
            " FROM generate_series(1, $1) AS m ORDER BY low",
            MONTHS,
        )
        per_month = rows // MONTHS
        for index, bound in enumerate(bounds):
            low = bound["low"]
            high = bounds[index + 1]["low"] if index + 1 < len(bounds) else None
            high = high or await connection.fetchval("SELECT date_trunc('month', now())")
            left = per_month + (rows % MONTHS if index == len(bounds) - 1 else 0)
            while left > 0:
                batch = min(CHUNK, left)
                await connection.execute(_GENERATE, low, high, batch, PEOPLE)
                left -= batch
        for statement in rebuild:
            await connection.execute(statement)
        await connection.execute("ANALYZE casegraph.audit_event")
    finally:
        await connection.close()
    return time.monotonic() - started


async def _drop_indexes(connection: asyncpg.Connection) -> list[str]:
    """Drop the trail's primary key and indexes; return the statements that rebuild them."""
    key = await connection.fetchrow(
        "SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE conrelid = 'casegraph.audit_event'::regclass AND contype = 'p'"
    )
    if key is None:
        raise RuntimeError("casegraph.audit_event has no primary key: run `casegraph migrate`")
    indexes = await connection.fetch(
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = 'casegraph' AND tablename = 'audit_event'"
        " AND indexname <> $1",
        key["conname"],
    )
    await connection.execute(f"ALTER TABLE casegraph.audit_event DROP CONSTRAINT {key['conname']}")
    for index in indexes:
        await connection.execute(f"DROP INDEX casegraph.{index['indexname']}")
    return [
        "SET maintenance_work_mem = '1GB'",
        f"ALTER TABLE casegraph.audit_event ADD CONSTRAINT {key['conname']} {key['definition']}",
        # pg_indexes shows a partitioned index as ``ON ONLY`` the parent, which would
        # build no partition's index: build them all.
        *(index["indexdef"].replace(" ON ONLY ", " ON ") for index in indexes),
    ]


async def measure(dsn: str, total: int, generate_seconds: float) -> dict[str, object]:
    """Insert cost and audit-read time at the database's current size."""
    # A cold cache after a bulk stage may make a first statement slow: count it, not fail.
    delius = await DeliusAdapter.connect(dsn, PoolOptions(statement_timeout=60.0))
    connection = await asyncpg.connect(dsn)
    try:
        pick = random.Random(total)
        inserts = []
        for n in range(INSERTS):
            entry = AuditEntry(
                occurred_at=datetime.now(UTC),
                username="bench",
                client_id="casegraph-bench",
                provider=None,
                operation_name="CaseOverview",
                document_hash="sha256:bench",
                crn=crn_of(pick.randrange(PEOPLE)),
                outcome="ALLOWED",
                correlation_id=f"bench-{total}-{n}",
            )
            started = time.perf_counter()
            await delius.record_audit([entry])
            inserts.append((time.perf_counter() - started) * 1000)
        reads = []
        for _ in range(READS):
            crn = crn_of(pick.randrange(PEOPLE))
            started = time.perf_counter()
            await delius.audit_for_crn(crn, 100)
            reads.append((time.perf_counter() - started) * 1000)
        plan = await connection.fetchval(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + AUDIT_BY_CRN_SQL, crn_of(1234), 100
        )
        size = await connection.fetchval(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid)))"
            " FROM pg_inherits WHERE inhparent = 'casegraph.audit_event'::regclass"
        )
        partitions = await connection.fetchval(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'casegraph.audit_event'::regclass"
        )
    finally:
        await connection.close()
        await delius.aclose()
    execution = json.loads(plan)[0]["Execution Time"] if isinstance(plan, str) else 0.0
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "rows": total,
        "generate_s": generate_seconds,
        "insert_mean": statistics.fmean(inserts),
        "insert_p50": statistics.median(inserts),
        "insert_p99": statistics.quantiles(inserts, n=100)[98],
        "read_p50": statistics.median(reads),
        "read_p99": statistics.quantiles(reads, n=100)[98],
        "read_server": execution,
        "size": size,
        "partitions": partitions,
    }


def render(stages: list[dict[str, object]], started: str) -> str:
    """The RESULTS.md section."""
    lines = [
        HEADING,
        "",
        f"`python -m bench.audit_volume`, last run {started} on this machine (2 cores shared "
        "with other work, PostgreSQL on loopback, fsync off); each row says when it was "
        "measured (`--measure DSN` measures a database an earlier run filled). "
        "`casegraph.audit_event` partitioned by month; rows "
        f"generated in PostgreSQL over {MONTHS} months for {PEOPLE:,} CRNs. One request's "
        f"audit write (1 row, `record_audit`) timed {INSERTS:,} times from the client; the "
        f"read behind `casegraph audit --crn` (newest 100) for {READS} random CRNs, warm "
        "(the command adds its own start-up). Stages adding more than "
        f"{BULK_ABOVE:,} rows load them without the key and indexes and build those after, "
        "as a restore would; the first stage maintains them row by row.",
        "",
        "| audit rows | measured | partitions | table + indexes | generated (and indexed) in | "
        "insert mean | "
        "insert p50 | insert p99 | `audit --crn` p50 | `audit --crn` p99 | "
        "PostgreSQL execution of that read |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in stages:
        lines.append(
            f"| {s['rows']:,} | {s['measured_at']} | {s['partitions']} | {s['size']} "
            f"| {_seconds(s['generate_s'])} "
            f"| {s['insert_mean']:.2f} ms | {s['insert_p50']:.2f} ms | {s['insert_p99']:.2f} ms "
            f"| {s['read_p50']:.2f} ms | {s['read_p99']:.2f} ms | {s['read_server']:.2f} ms |"
        )
    return "\n".join(lines) + "\n"


def _seconds(value: object) -> str:
    number = float(str(value))
    return "earlier" if math.isnan(number) else f"{number:.0f} s"


async def run(stages: list[int]) -> list[dict[str, object]]:
    """Grow one database through ``stages`` (row totals), measuring at each."""
    settings = {"shared_buffers": "2GB", "max_wal_size": "8GB", "checkpoint_timeout": "30min"}
    measured = []
    with TemporaryPostgres("ndelius", settings=settings) as database:
        await load_contract(database.dsn)
        await migrate(database.dsn)
        total = 0
        for target in stages:
            bulk = target - total > BULK_ABOVE
            seconds = await add_rows(database.dsn, target - total, bulk=bulk)
            total = target
            print(f"{total:,} rows generated in {seconds:.0f} s", flush=True)
            measured.append(await measure(database.dsn, total, seconds))
            print(measured[-1], flush=True)
    return measured


async def measure_existing(dsn: str) -> list[dict[str, object]]:
    """Measure a database this bench filled earlier, at the size it has."""
    connection = await asyncpg.connect(dsn, command_timeout=None)
    try:
        total = await connection.fetchval("SELECT count(*) FROM casegraph.audit_event")
    finally:
        await connection.close()
    return [await measure(dsn, int(total), float("nan"))]


def remembered(stages: list[dict[str, object]]) -> list[dict[str, object]]:
    """These stages merged into the ones kept in ``MEASURED`` (the same size replaced)."""
    kept = json.loads(MEASURED.read_text()) if MEASURED.exists() else []
    by_rows = {int(stage["rows"]): stage for stage in kept} | {
        int(str(stage["rows"])): stage for stage in stages
    }
    merged = [by_rows[rows] for rows in sorted(by_rows)]
    MEASURED.write_text(json.dumps(merged, indent=1, default=str) + "\n")
    return merged


def main() -> int:
    """Measure and write the section (with the stages measured before, kept in MEASURED)."""
    parser = argparse.ArgumentParser(prog="python -m bench.audit_volume", description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 100_000_000])
    parser.add_argument("--measure", metavar="DSN", help="measure a database filled earlier")
    args = parser.parse_args()
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if args.measure:
        stages = asyncio.run(measure_existing(args.measure))
    else:
        stages = asyncio.run(run(sorted(args.rows)))
    write_section(RESULTS, render(remembered(stages), started), HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

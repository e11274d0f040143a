"""Time the nDelius seed end to end and record it in bench/RESULTS.md ("Seeding").

    python -m bench.seed_bench --offenders 100000 --seed 1

Starts a throwaway PostgreSQL, loads the contract, seeds, and replaces the "Seeding"
section of the results file with rows per table, elapsed seconds, rows/s and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import time
from pathlib import Path

import asyncpg

from bench import figures
from bench.sections import replace_section
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import SEED_TODAY, SeedReport, seed_database
from sandbox.postgres import TemporaryPostgres

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADING = "## Seeding"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, if the platform has one."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def render(report: SeedReport, load_seconds: float, server: str, workers: int | None) -> str:
    """The markdown section for one run."""
    rate = report.total_rows / report.elapsed_seconds if report.elapsed_seconds else 0.0
    lines = [
        HEADING,
        "",
        f"`python -m bench.seed_bench --offenders {report.offenders} --seed {report.seed}`"
        f" (SEED_TODAY {SEED_TODAY.isoformat()}).",
        "",
        f"- Seeded {report.offenders:,} offenders: {report.total_rows:,} rows in "
        f"{report.elapsed_seconds:.1f} s ({rate:,.0f} rows/s), after loading the contract "
        f"in {load_seconds:.2f} s.",
        f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), Python "
        f"{platform.python_version()}, {server}; workers: {workers or 'default'}.",
        "- Generation and COPY run in worker processes, with the contract's indexes in "
        "place and per-row foreign-key triggers off (session_replication_role); ANALYZE "
        "at the end is included.",
        "",
        "| table | rows |",
        "|---|---:|",
    ]
    lines += [f"| {table} | {count:,} |" for table, count in report.rows.items()]
    lines += [f"| **total** | **{report.total_rows:,}** |", ""]
    return "\n".join(lines)


async def run(offenders: int, seed: int, workers: int | None) -> tuple[SeedReport, str]:
    """Seed a fresh cluster; return the report and the results section."""
    with TemporaryPostgres() as postgres:
        started = time.perf_counter()
        await load_contract(postgres.dsn)
        load_seconds = time.perf_counter() - started
        report = await seed_database(postgres.dsn, offenders=offenders, seed=seed, workers=workers)
        connection = await asyncpg.connect(postgres.dsn)
        try:
            server = str(await connection.fetchval("SHOW server_version")).split(" ")[0]
        finally:
            await connection.close()
    return report, render(report, load_seconds, f"PostgreSQL {server}", workers)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    report, section = asyncio.run(run(args.offenders, args.seed, args.workers))
    existing = args.results.read_text() if args.results.exists() else ""
    args.results.write_text(replace_section(existing, section, HEADING))
    rate = report.total_rows / report.elapsed_seconds
    figures.record("seeding", {"offenders": report.offenders, "seconds": report.elapsed_seconds})
    print(
        f"seeded {report.offenders} offenders, {report.total_rows} rows "
        f"in {report.elapsed_seconds:.1f} s ({rate:,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()

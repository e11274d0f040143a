"""The benchmark's database: a throwaway nDelius with pg_stat_statements, and its counters.

``StatsPostgres`` starts the cluster with ``shared_preload_libraries=pg_stat_statements``;
statements per request are then read from the server itself, whoever sent them (Case
Graph, PostGraphile or the floor), with no hook in any of them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import asyncpg

from adapters.delius.migrate import migrate, refresh_search
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres

_EXTRA_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "top",
    "pg_stat_statements.max": "10000",
    "max_connections": "300",
}


def StatsPostgres() -> TemporaryPostgres:
    """A ``TemporaryPostgres`` that also loads pg_stat_statements at start-up."""
    return TemporaryPostgres(settings=_EXTRA_SETTINGS)


@dataclass(frozen=True, slots=True)
class Prepared:
    """How long each preparation step took, in seconds, and what the server is."""

    offenders: int
    total_rows: int
    load_seconds: float
    seed_seconds: float
    migrate_seconds: float
    server_version: str


async def prepare(dsn: str, offenders: int, seed: int) -> Prepared:
    """Load the contract, seed, apply Case Graph's migrations and build the search copy."""
    started = time.perf_counter()
    await load_contract(dsn)
    loaded = time.perf_counter()
    report = await seed_database(dsn, offenders=offenders, seed=seed)
    seeded = time.perf_counter()
    await migrate(dsn)
    await refresh_search(dsn)
    migrated = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        version = str(await connection.fetchval("SHOW server_version")).split(" ")[0]
    finally:
        await connection.close()
    return Prepared(
        offenders=offenders,
        total_rows=report.total_rows,
        load_seconds=loaded - started,
        seed_seconds=seeded - loaded,
        migrate_seconds=migrated - seeded,
        server_version=version,
    )


# Statements of our own (resetting and reading the counters) are not the server's work.
_OWN = "%pg_stat_statements%"


class StatementCounter:
    """Counts statements executed in the benchmark database between ``reset`` and ``read``."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn

    async def reset(self) -> None:
        """Zero the counters."""
        connection = await asyncpg.connect(self._dsn)
        try:
            await connection.execute("SELECT pg_stat_statements_reset()")
        finally:
            await connection.close()

    async def drain(self, within: float = 60.0) -> None:
        """Wait until no other session is running a statement (a load run's abandoned
        requests finish on the server after the load generator has gone)."""
        connection = await asyncpg.connect(self._dsn)
        try:
            deadline = time.monotonic() + within
            quiet = 0
            while quiet < 2 and time.monotonic() < deadline:
                busy = await connection.fetchval(
                    """SELECT count(*) FROM pg_stat_activity
                       WHERE datname = current_database() AND pid <> pg_backend_pid()
                         AND state NOT IN ('idle')"""
                )
                quiet = quiet + 1 if busy == 0 else 0
                await asyncio.sleep(0.2)
        finally:
            await connection.close()

    async def read(self) -> tuple[int, float]:
        """Statements executed since the last reset, and their total execution time (ms)."""
        connection = await asyncpg.connect(self._dsn)
        try:
            row = await connection.fetchrow(
                """SELECT COALESCE(sum(s.calls), 0)::bigint AS calls,
                          COALESCE(sum(s.total_exec_time), 0)::float8 AS milliseconds
                   FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                   WHERE d.datname = current_database() AND s.query NOT ILIKE $1
                     AND s.query NOT IN ('BEGIN', 'COMMIT', 'ROLLBACK')""",
                _OWN,
            )
        finally:
            await connection.close()
        assert row is not None
        return int(row["calls"]), float(row["milliseconds"])

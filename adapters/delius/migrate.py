"""Case Graph's own migrations: the ``casegraph`` schema beside the legacy tables.

Each ``migrations/NNNN_name.sql`` file runs once, in order, in its own transaction,
under an advisory lock so two starting processes never race.
"""

from __future__ import annotations

from importlib import resources

import asyncpg

from adapters.errors import BackendUnavailable

_LOCK_ID = 0x6361736567726170  # "casegrap"
_LEDGER = """
CREATE SCHEMA IF NOT EXISTS casegraph;
CREATE TABLE IF NOT EXISTS casegraph.schema_migration (
    version    TEXT PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""


def migration_files() -> list[tuple[str, str]]:
    """(version, SQL) for every migration shipped with the adapter, in order."""
    folder = resources.files("adapters.delius") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name.removesuffix(".sql"), f.read_text()) for f in files]


async def migrate(dsn: str, *, through: str | None = None) -> list[str]:
    """Apply the migrations not yet applied (up to version ``through``, if given); return
    the versions applied now."""
    try:
        connection = await asyncpg.connect(dsn, timeout=10)
    except (OSError, asyncpg.PostgresError) as error:
        raise BackendUnavailable("delius", "cannot connect to run migrations") from error
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
        await connection.execute(_LEDGER)
        done = {
            r["version"]
            for r in await connection.fetch("SELECT version FROM casegraph.schema_migration")
        }
        applied = []
        for version, sql in migration_files():
            if version in done or (through is not None and version > through):
                continue
            async with connection.transaction():
                await connection.execute(sql)
                await connection.execute(
                    "INSERT INTO casegraph.schema_migration (version) VALUES ($1)", version
                )
            applied.append(version)
        return applied
    finally:
        await connection.close()


async def refresh_search(dsn: str) -> None:
    """Rebuild the person-search copy without blocking readers."""
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY casegraph.person_search")
    finally:
        await connection.close()

"""The audit trail partitioned by month: rows of the old table move across, partitions are
made ahead, old months are detached for archive with every row kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.cluster_jobs import audit_partition_upkeep, run_once_per_cluster
from adapters.delius.migrate import migrate
from sandbox.ndelius.load import load_contract
from sandbox.postgres import TemporaryPostgres
from tests.conftest import create_database

BEFORE_PARTITIONS = "0007_cluster_jobs"
OLD_ROW = """
INSERT INTO casegraph.audit_event (occurred_at, username, client_id, provider, operation_name,
                                   document_hash, crn, outcome, correlation_id)
VALUES ($1, 'someone', 'casegraph-tests', NULL, 'CaseOverview', 'sha256:x', $2, 'ALLOWED', $3)
"""
PARTITIONS = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'casegraph.audit_event'::regclass ORDER BY c.relname
"""


@dataclass(frozen=True)
class Upgraded:
    """A migrated database: its DSN and a connection to it."""

    dsn: str
    sql: asyncpg.Connection


@pytest.fixture
async def upgraded(postgres: TemporaryPostgres) -> AsyncIterator[Upgraded]:
    """A database whose unpartitioned audit trail held rows from March 2025 and today,
    then migrated to the partitioned one."""
    dsn = await create_database(postgres, f"audit_{uuid.uuid4().hex[:8]}")
    await load_contract(dsn)
    await migrate(dsn, through=BEFORE_PARTITIONS)
    connection = await asyncpg.connect(dsn)
    try:
        for n, when in enumerate([datetime(2025, 3, 14, 9, tzinfo=UTC)] * 2 + [datetime.now(UTC)]):
            await connection.execute(OLD_ROW, when, "X000001", f"old-{n}")
        assert await migrate(dsn) == ["0008_audit_partitions"]
        yield Upgraded(dsn, connection)
    finally:
        await connection.close()


async def test_an_existing_audit_trail_moves_into_monthly_partitions(
    upgraded: Upgraded,
) -> None:
    sql = upgraded.sql
    kind = await sql.fetchval(
        "SELECT relkind FROM pg_class WHERE oid = 'casegraph.audit_event'::regclass"
    )
    assert kind in {b"p", "p"}
    rows = await sql.fetch(
        "SELECT tableoid::regclass::text AS part, audit_event_id, correlation_id"
        " FROM casegraph.audit_event ORDER BY audit_event_id"
    )
    assert [r["correlation_id"] for r in rows] == ["old-0", "old-1", "old-2"]
    assert [r["audit_event_id"] for r in rows] == [1, 2, 3]
    this_month = "casegraph.audit_event_p" + datetime.now(UTC).strftime("%Y%m")
    assert [r["part"] for r in rows] == ["casegraph.audit_event_p202503"] * 2 + [this_month]
    names = [r["relname"] for r in await sql.fetch(PARTITIONS)]
    # Every month from the oldest row's through three months ahead, and the default.
    assert names[0] == "audit_event_default"
    assert names[1] == "audit_event_p202503"
    assert this_month.removeprefix("casegraph.") in names
    # Each partition has its own index on (crn, occurred_at) for `casegraph audit --crn`.
    indexed = await sql.fetchval(
        "SELECT count(*) FROM pg_indexes WHERE schemaname = 'casegraph'"
        " AND tablename LIKE 'audit_event_p%' AND indexdef LIKE '%(crn, occurred_at)%'"
    )
    assert indexed == len(names) - 1
    # New rows carry on the same sequence.
    await sql.execute(OLD_ROW, datetime.now(UTC), "X000002", "new")
    assert (
        await sql.fetchval(
            "SELECT audit_event_id FROM casegraph.audit_event WHERE correlation_id = 'new'"
        )
        == 4
    )


async def test_partitions_are_made_ahead_and_old_months_detached_never_deleted(
    upgraded: Upgraded,
) -> None:
    sql = upgraded.sql
    job = audit_partition_upkeep(every=0.0, timeout=60.0, retention_months=6)
    assert await run_once_per_cluster(upgraded.dsn, PoolOptions(), job, "upkeep-test")

    names = [r["relname"] for r in await sql.fetch(PARTITIONS)]
    assert "audit_event_p202503" not in names  # detached: older than six months
    ahead = await sql.fetchval(
        "SELECT to_char(now() AT TIME ZONE 'UTC' + INTERVAL '3 months', 'YYYYMM')"
    )
    assert f"audit_event_p{ahead}" in names
    # The detached month is a table of its own with every row, ready to archive.
    kept = await sql.fetchval("SELECT count(*) FROM casegraph.audit_event_p202503")
    assert kept == 2
    # The audit trail reads on without it.
    delius = await DeliusAdapter.connect(upgraded.dsn)
    try:
        entries = await delius.audit_for_crn("X000001")
    finally:
        await delius.aclose()
    assert [e.correlation_id for e in entries] == ["old-2"]

"""Jobs that run once per interval across every Case Graph process, on their own connection.

Each process keeps its own timer, but a run happens only if, in one transaction on the
primary, the process wins ``pg_try_advisory_xact_lock`` for the job (no waiting: a run in
progress elsewhere means this one is not needed) and then the job's row lease in
``casegraph.cluster_job`` shows no run within the interval. Both hold for the transaction
only, so they work behind PgBouncer in transaction mode and vanish with a dead process.
The job runs on a connection of its own, never a request's, under its own
``statement_timeout`` (``SET LOCAL``), so a long refresh neither waits for nor starves the
request pool, nor is cut off by the request statement timeout.

The jobs: the person-search refresh, and audit partition upkeep (partitions created three
months ahead; months older than the retention detached for archive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

import asyncpg

from adapters.delius.database import PoolOptions, connect_arguments, translate_errors
from adapters.errors import BackendUnavailable
from adapters.metrics import search_refreshed

JobWork = Callable[[asyncpg.Connection], Awaitable[object]]

PERSON_SEARCH = "person_search_refresh"
AUDIT_PARTITIONS = "audit_partitions"
PARTITION_MONTHS_AHEAD = 3

_ENSURE = "INSERT INTO casegraph.cluster_job (job_name) VALUES ($1) ON CONFLICT DO NOTHING"
_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended('casegraph.job.' || $1, 0))"
_LEASE = """
UPDATE casegraph.cluster_job SET last_run_at = now(), runs = runs + 1
WHERE job_name = $1 AND last_run_at <= now() - make_interval(secs => $2)
RETURNING runs
"""
_RECORD = "INSERT INTO casegraph.cluster_job_run (job_name, ran_at, ran_by) VALUES ($1, now(), $2)"


@dataclasses.dataclass(frozen=True, slots=True)
class ClusterJob:
    """One job: its name, how often it may run across the cluster, and its time budget."""

    name: str
    every: float
    timeout: float
    work: JobWork


async def run_once_per_cluster(
    dsn: str, options: PoolOptions, job: ClusterJob, ran_by: str
) -> bool:
    """Run ``job`` unless another process runs it or ran it within its interval.

    True when this call ran it. Errors come back as the adapter's errors.
    """
    # The job's own budget, never the request statement timeout.
    job_options = dataclasses.replace(options, statement_timeout=job.timeout)
    arguments = connect_arguments(job_options, application_name="casegraph-jobs")
    try:
        connection = await asyncpg.connect(dsn, **arguments)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        raise BackendUnavailable("delius", "cannot connect to run a job") from error
    try:
        with translate_errors():
            await connection.execute(_ENSURE, job.name)
            async with connection.transaction():
                # Behind PgBouncer no session setting was sent: the budget holds here too.
                timeout_ms = max(1, int(job.timeout * 1000))
                await connection.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
                if not await connection.fetchval(_TRY_LOCK, job.name):
                    return False
                if await connection.fetchval(_LEASE, job.name, job.every) is None:
                    return False
                await job.work(connection)
                await connection.execute(_RECORD, job.name, ran_by)
            return True
    finally:
        await connection.close(timeout=5)


def person_search_refresh(every: float, timeout: float) -> ClusterJob:
    """Bring the person-search copy up to date without blocking its readers."""

    async def refresh(connection: asyncpg.Connection) -> None:
        await connection.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY casegraph.person_search")
        search_refreshed()

    return ClusterJob(PERSON_SEARCH, every, timeout, refresh)


def audit_partition_upkeep(every: float, timeout: float, retention_months: int) -> ClusterJob:
    """Create the audit trail's monthly partitions ahead; detach those past retention."""

    async def upkeep(connection: asyncpg.Connection) -> None:
        await connection.execute(
            "SELECT casegraph.create_audit_partitions(now(), now() + make_interval(months => $1))",
            PARTITION_MONTHS_AHEAD,
        )
        if retention_months > 0:
            await connection.execute(
                "SELECT casegraph.detach_audit_partitions("
                "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
                " - make_interval(months => $1))",
                retention_months,
            )

    return ClusterJob(AUDIT_PARTITIONS, every, timeout, upkeep)

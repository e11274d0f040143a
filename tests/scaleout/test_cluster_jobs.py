"""Jobs every process times but one process per interval runs: the person-search refresh
and audit partition upkeep, on a connection and a statement timeout of their own."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import asyncpg
import pytest

from adapters.delius import PoolOptions
from adapters.delius.cluster_jobs import PERSON_SEARCH, ClusterJob, run_once_per_cluster
from adapters.errors import BackendTimeout
from api.bootstrap import open_backends
from api.settings import Settings


def sleeping_job(seconds: float, *, every: float = 60.0, timeout: float = 10.0) -> ClusterJob:
    """A job of a fresh name whose work is to sleep in PostgreSQL for ``seconds``."""

    async def work(connection: asyncpg.Connection) -> None:
        await connection.execute("SELECT pg_sleep($1)", seconds)

    return ClusterJob(f"test-{uuid.uuid4()}", every, timeout, work)


async def runs_of(sql: Any, job: str, since: datetime | None = None) -> list[Any]:
    return list(
        await sql.fetch(
            "SELECT ran_at, ran_by FROM casegraph.cluster_job_run WHERE job_name = $1"
            " AND ran_at >= coalesce($2::timestamptz, '-infinity') ORDER BY ran_at",
            job,
            since,
        )
    )


async def test_of_three_processes_offered_a_job_at_once_one_runs_it(dsn: str, sql: Any) -> None:
    job = sleeping_job(0.3)
    offered = [run_once_per_cluster(dsn, PoolOptions(), job, f"process-{n}") for n in range(3)]
    assert sorted(await asyncio.gather(*offered)) == [False, False, True]
    # Offered again within the interval, nobody runs it.
    again = [run_once_per_cluster(dsn, PoolOptions(), job, f"process-{n}") for n in range(3)]
    assert await asyncio.gather(*again) == [False, False, False]
    assert len(await runs_of(sql, job.name)) == 1


async def test_a_job_runs_under_its_own_timeout_not_the_requests(dsn: str, sql: Any) -> None:
    requests = PoolOptions(statement_timeout=0.05)
    slow = sleeping_job(0.3, timeout=5.0)
    assert await run_once_per_cluster(dsn, requests, slow, "process-1")

    too_slow = sleeping_job(0.3, timeout=0.1)
    with pytest.raises(BackendTimeout):
        await run_once_per_cluster(dsn, PoolOptions(), too_slow, "process-1")
    # Nothing of the failed run stays: no record, and the lease is free for the next offer.
    assert await runs_of(sql, too_slow.name) == []
    patient = dataclasses.replace(too_slow, timeout=5.0)
    assert await run_once_per_cluster(dsn, PoolOptions(), patient, "process-2")


async def test_three_app_processes_refresh_the_person_search_once_per_interval(
    settings: Settings, sql: Any
) -> None:
    every = 1.0
    since = await sql.fetchval("SELECT clock_timestamp()")
    cluster = dataclasses.replace(settings, search_refresh_seconds=every, oasys_url="")
    async with open_backends(cluster), open_backends(cluster), open_backends(cluster):
        for _ in range(300):  # each app offers a refresh every second; wait for three runs
            runs = await runs_of(sql, PERSON_SEARCH, since)
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.1)
    assert len(runs) >= 3
    gaps = [later["ran_at"] - earlier["ran_at"] for earlier, later in pairwise(runs)]
    assert all(gap >= timedelta(seconds=every) for gap in gaps), gaps

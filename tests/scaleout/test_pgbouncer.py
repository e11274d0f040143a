"""Case Graph behind a real PgBouncer (Debian's 1.18) in transaction mode: no named
prepared statements, no session settings, so every read, search, write and cluster job
works while ten client connections share three server connections."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.cluster_jobs import person_search_refresh, run_once_per_cluster
from adapters.errors import BackendUnavailable
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from sandbox.pgbouncer import TemporaryPgBouncer, find_pgbouncer
from sandbox.postgres import TemporaryPostgres
from tests.conftest import GraphQL, Tokens, in_process
from tests.writes.conftest import NOTE, Case, new_key

pytestmark = pytest.mark.skipif(find_pgbouncer() is None, reason="pgbouncer is not installed")

BEHIND_PGBOUNCER = PoolOptions(
    pgbouncer=True, min_size=2, max_size=10, statement_timeout=30.0, acquire_timeout=30.0
)
"""Generous timeouts: forty requests queue for three server connections, and this test is
about what works through PgBouncer, not how fast a busy machine answers."""

OVERVIEW = """
query($crn: ID!) { case(crn: $crn) {
  crn name { forename surname } manager { staff { code } team { description } }
  events { number sentence { type { description } } } registrations { type { description } }
  contacts(first: 5) { totalCount edges { node { date type { code } } } } } }
"""
SEARCH = """
query($name: String!) { searchCases(query: { name: $name }, first: 5) {
  totalCount edges { node { crn } } } }
"""


@pytest.fixture(scope="module")
def bouncer(postgres: TemporaryPostgres) -> Iterator[TemporaryPgBouncer]:
    """PgBouncer in transaction mode with three server connections."""
    running = TemporaryPgBouncer(postgres, pool_size=3).start()
    try:
        yield running
    finally:
        running.stop()


async def test_reads_searches_and_writes_work_through_pgbouncer(
    settings: Settings,
    bouncer: TemporaryPgBouncer,
    tokens: Tokens,
    sql: Any,
    staff_cases: list[Case],
    writer: dict[str, str],
) -> None:
    rows = await sql.fetch(
        "SELECT btrim(crn) AS crn, lower(surname) AS surname FROM offender"
        " WHERE soft_deleted = 0 AND current_exclusion = 0 AND current_restriction = 0"
        " ORDER BY crn LIMIT 20"
    )
    delius = await DeliusAdapter.connect(bouncer.dsn, BEHIND_PGBOUNCER)
    try:
        app = create_app(settings, backends=Backends(delius=delius))
        async with in_process(app, tokens.header()) as http:
            gql = GraphQL(http)
            answers = await asyncio.gather(
                *(gql(OVERVIEW, crn=row["crn"]) for row in rows),
                *(gql(SEARCH, name=row["surname"]) for row in rows),
            )
            assert all("errors" not in answer for answer in answers), answers
            overviews = answers[: len(rows)]
            assert [a["data"]["case"]["crn"] for a in overviews] == [r["crn"] for r in rows]
            assert all(a["data"]["searchCases"]["totalCount"] >= 1 for a in answers[len(rows) :])

            sent = {
                "idempotencyKey": new_key(),
                "crn": staff_cases[3].crn,
                "typeCode": "CTOB",
                "notes": "Written through PgBouncer.",
            }
            first, again = [
                (await gql(NOTE, headers=writer, input=sent))["data"]["addCaseNote"]
                for _ in range(2)
            ]
            assert first["problems"] == []
            assert first["replayed"] is False
            assert again["replayed"] is True
            assert again["contact"]["id"] == first["contact"]["id"]
    finally:
        await delius.aclose()


async def test_the_search_refresh_runs_through_pgbouncer(bouncer: TemporaryPgBouncer) -> None:
    job = person_search_refresh(every=0.0, timeout=60.0)
    assert await run_once_per_cluster(bouncer.dsn, BEHIND_PGBOUNCER, job, "behind-pgbouncer")


async def test_session_settings_are_refused_by_pgbouncer(bouncer: TemporaryPgBouncer) -> None:
    # Why the setting exists: the default connection sends statement_timeout and
    # plan_cache_mode at start-up, which PgBouncer refuses.
    with pytest.raises(BackendUnavailable):
        await DeliusAdapter.connect(bouncer.dsn, PoolOptions(min_size=1, max_size=1))

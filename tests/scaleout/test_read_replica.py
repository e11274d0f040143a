"""Reads from a streaming standby: served there while it is fresh, from the primary while a
mutation runs (read-your-writes) and while the standby lags past the setting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from prometheus_client import REGISTRY

from adapters.delius import DeliusAdapter, PoolOptions
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from sandbox.postgres import free_port
from sandbox.replica import TemporaryReplica
from tests.conftest import GraphQL, Tokens, in_process
from tests.writes.conftest import NOTE, Case, new_key

CONTACT_IDS = """
query($crn: ID!, $from: Date!) {
  case(crn: $crn) { contacts(first: 100, filter: { from: $from }) { edges { node { id } } } } }
"""


def routed(target: str, reason: str) -> float:
    """How many reads the process has routed to ``target`` for ``reason`` so far."""
    value = REGISTRY.get_sample_value(
        "casegraph_delius_read_route_total", {"target": target, "reason": reason}
    )
    return value or 0.0


@asynccontextmanager
async def app_over(
    settings: Settings, primary: str, replica: TemporaryReplica, max_lag: float
) -> AsyncIterator[GraphQL]:
    """The app over a primary and a replica, tolerating ``max_lag`` seconds of lag."""
    delius = await DeliusAdapter.connect(
        primary, PoolOptions(read_dsn=replica.dsn, max_replica_lag=max_lag)
    )
    try:
        app = create_app(settings, backends=Backends(delius=delius))
        async with in_process(app) as http:
            yield GraphQL(http)
    finally:
        await delius.aclose()


async def contact_ids(gql: GraphQL, crn: str, headers: dict[str, str]) -> set[str]:
    """The ids of the case's contacts from today on (a note written now is among them)."""
    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    body = await gql(CONTACT_IDS, headers=headers, crn=crn, **{"from": today})
    assert "errors" not in body, body
    edges = body["data"]["case"]["contacts"]["edges"]
    assert len(edges) < 100, "the page must hold every contact from today on"
    return {edge["node"]["id"] for edge in edges}


async def test_reads_use_the_replica_a_mutation_reads_its_writes_and_lag_falls_back(
    settings: Settings,
    dsn: str,
    replica: TemporaryReplica,
    staff_cases: list[Case],
    writer: dict[str, str],
) -> None:
    case = staff_cases[2]
    await replica.wait_caught_up()
    async with (
        app_over(settings, dsn, replica, max_lag=3600.0) as tolerant,
        app_over(settings, dsn, replica, max_lag=0.2) as strict,
    ):
        before = await contact_ids(tolerant, case.crn, writer)
        fresh_reads = routed("replica", "fresh")
        await replica.pause_replay()
        try:
            # The write, its access check and its answer all see the primary.
            pinned = routed("primary", "read_your_writes")
            body = await tolerant(
                NOTE,
                headers=writer,
                input={
                    "idempotencyKey": new_key(),
                    "crn": case.crn,
                    "typeCode": "CTOB",
                    "notes": "Seen at home.",
                },
            )
            assert "errors" not in body, body
            written = body["data"]["addCaseNote"]["contact"]
            assert written is not None
            assert written["notes"] == "Seen at home."
            assert routed("primary", "read_your_writes") > pinned

            # A query tolerating any lag reads the paused standby: the note is not there yet.
            assert await contact_ids(tolerant, case.crn, writer) == before
            assert routed("replica", "fresh") > fresh_reads

            # A process that tolerates 0.2 s of lag reads the primary once the standby is behind.
            lagging = routed("primary", "replica_lag")
            assert written["id"] in await _once_behind(strict, case.crn, writer)
            assert routed("primary", "replica_lag") > lagging
            lag = REGISTRY.get_sample_value("casegraph_delius_replica_lag_seconds")
            assert lag is not None
            assert lag > 0.2
        finally:
            await replica.resume_replay()
        await replica.wait_caught_up()
        assert written["id"] in await contact_ids(tolerant, case.crn, writer)


async def _once_behind(gql: GraphQL, crn: str, headers: dict[str, str]) -> set[str]:
    """The contact ids read once the strict process has measured the lag past its limit.

    The lag is measured at most every 0.1 s here, and a paused standby's lag only grows:
    read until some read has gone to the primary for lag, then read once more, wholly there.
    """
    for _ in range(200):
        before = routed("primary", "replica_lag")
        await contact_ids(gql, crn, headers)
        if routed("primary", "replica_lag") > before:
            return await contact_ids(gql, crn, headers)
        await asyncio.sleep(0.05)
    raise AssertionError("the lag never crossed the limit")


async def test_reads_go_to_the_primary_while_the_replica_cannot_be_reached(
    settings: Settings, dsn: str, tokens: Tokens, sql: Any
) -> None:
    crn = await sql.fetchval(
        "SELECT btrim(crn) FROM offender WHERE soft_deleted = 0"
        " AND current_exclusion = 0 AND current_restriction = 0 ORDER BY crn LIMIT 1"
    )
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/ndelius"
    delius = await DeliusAdapter.connect(
        dsn, PoolOptions(read_dsn=nowhere, connect_timeout=1.0, max_replica_lag=5.0)
    )
    try:
        app = create_app(settings, backends=Backends(delius=delius))
        async with in_process(app, tokens.header()) as http:
            unreachable = routed("primary", "replica_unreachable")
            body = await GraphQL(http)("query($crn: ID!) { case(crn: $crn) { crn } }", crn=crn)
    finally:
        await delius.aclose()
    assert "errors" not in body, body
    assert body["data"]["case"]["crn"] == crn
    assert routed("primary", "replica_unreachable") > unreachable

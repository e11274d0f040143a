"""A database of its own for the case-event tests (they change cases), and a way to run
the capture a step at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.delius import DeliusAdapter
from adapters.delius.events_feed.capture import LEASE_KEY, Capture, CaptureOptions
from adapters.delius.events_feed.feed import CaseEventFeed
from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres
from tests.conftest import GraphQL, create_database, in_process

OPTIONS = CaptureOptions(detail_url="http://casegraph.test/graphql", poll_seconds=0.05)


@pytest.fixture(scope="session")
async def events_dsn(postgres: TemporaryPostgres) -> str:
    """A seeded nDelius of its own, with Case Graph's schema and the capture's slot."""
    dsn = await create_database(postgres, "case_events")
    await load_contract(dsn)
    await seed_database(dsn, offenders=200, seed=11)
    await migrate(dsn)
    await refresh_search(dsn)
    await drain(dsn)  # creates the slot; changes before it are not events
    return dsn


@pytest.fixture(scope="session")
async def events_delius(events_dsn: str) -> AsyncIterator[DeliusAdapter]:
    """The nDelius adapter over the case-event database."""
    adapter = await DeliusAdapter.connect(events_dsn)
    yield adapter
    await adapter.aclose()


@pytest.fixture
async def ndelius(events_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection writing to the legacy tables as nDelius does; commits are flushed at
    once, so the slot sees them without waiting for the WAL writer."""
    connection = await asyncpg.connect(events_dsn, server_settings={"synchronous_commit": "on"})
    yield connection
    await connection.close()


async def drain(dsn: str) -> None:
    """Run the capture until the slot holds nothing more, holding the capture lease as a
    serving process would (so no other consumer reads the slot meanwhile)."""
    capture = Capture(dsn, OPTIONS)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SET lock_timeout = '30s'")
        await connection.execute("SELECT pg_advisory_lock($1)", LEASE_KEY)
        while await capture.step(connection):
            pass
    finally:
        await connection.close()


async def last_position(connection: asyncpg.Connection) -> int:
    """The highest stored position (0 when none)."""
    return int(
        await connection.fetchval("SELECT COALESCE(MAX(position), 0) FROM casegraph.case_event")
    )


async def events_since(connection: asyncpg.Connection, position: int) -> list[dict[str, Any]]:
    """Stored events after a position, as plain dicts."""
    rows = await connection.fetch(
        "SELECT position, event_id, crn, event_type, provider_code, previous_provider_code,"
        " envelope::text AS envelope FROM casegraph.case_event"
        " WHERE position > $1 ORDER BY position",
        position,
    )
    return [dict(row) for row in rows]


@pytest.fixture(scope="session")
async def feed(events_dsn: str) -> AsyncIterator[CaseEventFeed]:
    """The stored feed, as the API reads it."""
    opened = await CaseEventFeed.open(events_dsn)
    yield opened
    await opened.aclose()


@pytest.fixture(scope="session")
async def events_http(
    settings: Settings, events_delius: DeliusAdapter, feed: CaseEventFeed
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process over the case-event database (callers send their own token)."""
    app = create_app(settings, backends=Backends(delius=events_delius, case_events=feed))
    async with in_process(app) as http:
        yield http


@pytest.fixture
def egql(events_http: httpx.AsyncClient) -> GraphQL:
    """Run a GraphQL document against the case-event app."""
    return GraphQL(events_http)


CASE_EVENTS = """
query($after: String, $first: Int! = 50, $types: [String!], $crns: [ID!]) {
  caseEvents(after: $after, first: $first, types: $types, crns: $crns) {
    edges {
      cursor
      node { eventId eventType crn occurredAt description additionalInformation envelope }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def case_events(gql: GraphQL, headers: dict[str, str], **variables: Any) -> dict[str, Any]:
    """The caseEvents connection, asserting it came without errors."""
    body = await gql(CASE_EVENTS, headers=headers, **variables)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["caseEvents"]
    return result


def types_of(connection: dict[str, Any]) -> list[str]:
    """The event types of a connection's edges, in order."""
    return [edge["node"]["eventType"] for edge in connection["edges"]]


async def drain_until(dsn: str, connection: asyncpg.Connection, after: int, count: int) -> None:
    """Drain until at least ``count`` events follow ``after``: writes through the app's pool
    commit without waiting for the WAL flush, so the slot may see them a moment later."""
    deadline = time.monotonic() + 30
    while True:
        await drain(dsn)
        if len(await events_since(connection, after)) >= count:
            return
        assert time.monotonic() < deadline, "the events never arrived"
        await asyncio.sleep(0.1)

"""A write retried on another process replays: the idempotency key lives in PostgreSQL,
not in the process that first took it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.delius import DeliusAdapter, PoolOptions
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import GraphQL, in_process
from tests.writes.conftest import NOTE, Case, new_key


@asynccontextmanager
async def process(settings: Settings, dsn: str) -> AsyncIterator[GraphQL]:
    """One Case Graph process: its own app and its own pool."""
    delius = await DeliusAdapter.connect(dsn, PoolOptions(min_size=1, max_size=2))
    try:
        async with in_process(create_app(settings, backends=Backends(delius=delius))) as http:
            yield GraphQL(http)
    finally:
        await delius.aclose()


async def test_a_write_retried_on_another_process_replays(
    settings: Settings, dsn: str, staff_cases: list[Case], writer: dict[str, str]
) -> None:
    sent = {
        "idempotencyKey": new_key(),
        "crn": staff_cases[4].crn,
        "typeCode": "CTOB",
        "notes": "Retried after a lost answer.",
    }
    async with process(settings, dsn) as first, process(settings, dsn) as second:
        done = (await first(NOTE, headers=writer, input=sent))["data"]["addCaseNote"]
        retried = (await second(NOTE, headers=writer, input=sent))["data"]["addCaseNote"]
    assert done["replayed"] is False
    assert retried["replayed"] is True
    assert retried["contact"] == done["contact"]

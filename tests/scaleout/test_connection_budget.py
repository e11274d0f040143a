"""Connections as a budget: a request that finds every pooled connection busy waits a
bounded time (``CASEGRAPH_DELIUS_ACQUIRE_TIMEOUT``), then gets a coded error naming
delius, never a hang."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.database import Database
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import GraphQL, Tokens, in_process

STAFF = "query($code: ID!) { staff(code: $code) { code } }"
CASE = "query($crn: ID!) { case(crn: $crn) { crn name { surname } } }"


def coded(body: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(e["extensions"]["code"], e["extensions"].get("source")) for e in body["errors"]}


async def test_an_exhausted_pool_refuses_with_a_code_after_a_bounded_wait(
    settings: Settings, dsn: str, tokens: Tokens, sql: Any
) -> None:
    crn = await sql.fetchval("SELECT btrim(crn) FROM offender WHERE soft_deleted = 0 LIMIT 1")
    code = await sql.fetchval("SELECT btrim(officer_code) FROM staff ORDER BY staff_id LIMIT 1")
    options = PoolOptions(min_size=1, max_size=1, acquire_timeout=0.3)
    database = await Database.connect(dsn, options)
    try:
        app = create_app(settings, backends=Backends(delius=DeliusAdapter(database)))
        async with in_process(app, tokens.header()) as http:
            gql = GraphQL(http)
            async with database.connection():  # the pool's only connection, held
                # The test's own bound only guards the run: each request ends by itself.
                staff = await asyncio.wait_for(gql(STAFF, code=code), timeout=30)
                case = await asyncio.wait_for(gql(CASE, crn=crn), timeout=30)
            assert staff["data"] == {"staff": None}
            assert coded(staff) == {("UPSTREAM_UNAVAILABLE", "delius")}
            # A case read fails closed: its access check could not be made, and no data
            # leaves without its audit row (which could not be written either).
            assert case["data"] is None
            assert coded(case) == {("SERVICE_UNAVAILABLE", None)}

            # With the connection back, the same requests are answered.
            assert (await gql(STAFF, code=code))["data"]["staff"]["code"] == code
            assert (await gql(CASE, crn=crn))["data"]["case"]["crn"] == crn
    finally:
        await database.close()

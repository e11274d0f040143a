"""The raw-SQL floor: a tiny starlette app that answers the overview and the list in one
round trip each, so the benchmark shows what the rows cost before any GraphQL.

    BENCH_FLOOR_DSN=postgresql://... uvicorn bench.floor:create_app --factory

``POST /overview {"crn": ...}`` and ``POST /cases {"crns": [...]}`` return the JSON that
PostgreSQL built (bench/floor_sql.py); ``GET /health`` answers once the pool is open. The
pool is set up like Case Graph's (size 10, no reset on release, Europe/London).

With ``BENCH_FLOOR_AUDITED=1`` each request also runs the two statements Case Graph may not
skip: its limited-access check over the requested CRNs before the read, and one audit row per
CRN written before the answer. Still no HTTP framework, GraphQL, records or policy code.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Lifespan

from adapters.delius.audit import AUDIT_INSERT_SHARED_SQL
from adapters.delius.people import CASES_WITH_ACCESS_SQL
from bench import floor_sql

DSN_VARIABLE = "BENCH_FLOOR_DSN"
AUDITED_VARIABLE = "BENCH_FLOOR_AUDITED"


async def _no_reset(connection: asyncpg.Connection) -> None:
    return None


@contextlib.asynccontextmanager
async def floor_pool(dsn: str, application_name: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool set up like Case Graph's: size 10, no reset on release, Europe/London."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=2,
        max_size=10,
        reset=_no_reset,
        server_settings={"application_name": application_name, "timezone": "Europe/London"},
    )
    try:
        yield pool
    finally:
        await pool.close()


def create_app() -> Starlette:
    """The floor application over the database named by ``BENCH_FLOOR_DSN``."""
    dsn = os.environ[DSN_VARIABLE]
    audited = os.environ.get(AUDITED_VARIABLE) == "1"
    state: dict[str, asyncpg.Pool] = {}

    async def checked_and_audited(crns: list[str], read: str, argument: object) -> str | None:
        pool = state["pool"]
        if audited:
            await pool.fetch(CASES_WITH_ACCESS_SQL, crns, "")
        text = await pool.fetchval(read, argument)
        if audited:
            now = datetime.now(UTC)
            await pool.execute(
                AUDIT_INSERT_SHARED_SQL,
                now, None, "bench-floor", None, "floor", "", crns, ["VISIBLE"] * len(crns), "",
            )  # fmt: skip
        return text  # type: ignore[no-any-return]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with floor_pool(dsn, "bench-floor") as state["pool"]:
            yield

    async def overview(request: Request) -> Response:
        crn = str(json.loads(await request.body())["crn"])
        text = await checked_and_audited([crn], floor_sql.OVERVIEW, crn)
        return Response(text or "null", media_type="application/json")

    async def cases(request: Request) -> Response:
        crns = [str(crn) for crn in json.loads(await request.body())["crns"]]
        text = await checked_and_audited(crns, floor_sql.CASES, crns)
        return Response(text or "[]", media_type="application/json")

    return floor_app(overview, cases, lifespan)


Endpoint = Callable[[Request], Awaitable[Response]]


def floor_app(overview: Endpoint, cases: Endpoint, lifespan: Lifespan[Starlette]) -> Starlette:
    """A floor's routes: ``POST /overview``, ``POST /cases`` and ``GET /health``."""

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/overview", overview, methods=["POST"]),
            Route("/cases", cases, methods=["POST"]),
            Route("/health", health),
        ],
        lifespan=lifespan,
    )

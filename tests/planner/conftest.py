"""Two apps over the same database: one answering from plans, one through graphql-core."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from resolvers.viewer import Role
from tests.conftest import Tokens, in_process

ASK = {"casegraphExecution": True}


@dataclasses.dataclass
class Both:
    """Sends one request to both apps and returns both bodies."""

    planned: httpx.AsyncClient
    classic: httpx.AsyncClient

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[httpx.Response, httpx.Response]:
        body = {"query": query, "variables": variables or {}, **kwargs}
        headers = kwargs.pop("headers", None)
        body.pop("headers", None)
        planned = await self.planned.post("/graphql", json=body, headers=headers)
        classic = await self.classic.post("/graphql", json=body, headers=headers)
        return planned, classic

    async def same(
        self, query: str, variables: dict[str, Any] | None = None, *, headers: Any = None
    ) -> dict[str, Any]:
        """Asserts both answers are the same bytes (errors in one canonical order)."""
        planned, classic = await self.post(query, variables, headers=headers, extensions=ASK)
        assert planned.status_code == classic.status_code
        left: dict[str, Any] = planned.json()
        right: dict[str, Any] = classic.json()
        path = left.get("extensions", {}).pop("casegraphExecution", None)
        right.get("extensions", {}).pop("casegraphExecution", None)
        for body in (left, right):
            if body.get("extensions") == {}:
                del body["extensions"]
        assert canonical(left) == canonical(right), (query, variables, path)
        left["path"] = path
        return left


def canonical(body: dict[str, Any]) -> bytes:
    """The response as bytes, with errors in a canonical order (see the report)."""
    errors = body.get("errors")
    if errors:
        errors = sorted(errors, key=lambda e: json.dumps(e, sort_keys=True))
        body = {**body, "errors": errors}
    return json.dumps(body, separators=(",", ":")).encode()


@pytest.fixture(scope="session")
async def both(settings: Settings, delius: DeliusAdapter, tokens: Tokens) -> AsyncIterator[Both]:
    """The planned app and the graphql-core app, as a case reader with no username."""
    planned_app = create_app(
        dataclasses.replace(settings, planner=True), backends=Backends(delius=delius)
    )
    classic_app = create_app(
        dataclasses.replace(settings, planner=False), backends=Backends(delius=delius)
    )
    headers = tokens.header()
    async with (
        in_process(planned_app, headers) as planned,
        in_process(classic_app, headers) as classic,
    ):
        yield Both(planned, classic)


@dataclasses.dataclass(frozen=True)
class World:
    """CRNs and callers from the seeded database."""

    ordinary: list[str]
    custody: list[str]
    restricted: list[str]
    excluded: tuple[str, str]
    partner_held: list[str]
    callers: dict[str, dict[str, str]]


@pytest.fixture(scope="session")
async def world(sql: Any, tokens: Tokens) -> World:
    async def crns(query: str, *args: Any) -> list[str]:
        return [row[0].strip() for row in await sql.fetch(query, *args)]

    ordinary = await crns(
        """SELECT crn FROM offender WHERE soft_deleted = 0 AND current_exclusion = 0
           AND current_restriction = 0 ORDER BY crn LIMIT 60"""
    )
    custody = await crns(
        """SELECT DISTINCT o.crn FROM offender o JOIN event e ON e.offender_id = o.offender_id
           JOIN disposal d ON d.event_id = e.event_id JOIN custody c ON c.disposal_id =
           d.disposal_id WHERE o.soft_deleted = 0 AND o.current_exclusion = 0
           AND o.current_restriction = 0 ORDER BY o.crn LIMIT 5"""
    )
    restricted = await crns(
        """SELECT DISTINCT o.crn FROM restriction r JOIN offender o ON o.offender_id =
           r.offender_id WHERE o.soft_deleted = 0 ORDER BY o.crn LIMIT 3"""
    )
    row = await sql.fetchrow(
        """SELECT o.crn, u.distinguished_name FROM exclusion x JOIN offender o
           ON o.offender_id = x.offender_id AND o.soft_deleted = 0 JOIN user_ u
           ON u.user_id = x.user_id WHERE x.exclusion_end_time IS NULL
           OR x.exclusion_end_time > LOCALTIMESTAMP ORDER BY o.crn LIMIT 1"""
    )
    partner_held = await crns(
        """SELECT o.crn FROM offender o JOIN offender_manager om ON om.offender_id =
           o.offender_id AND om.active_flag = 1 AND om.soft_deleted = 0
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE o.soft_deleted = 0 AND pa.code = 'C01' ORDER BY o.crn LIMIT 3"""
    )
    assert ordinary
    assert custody
    assert restricted
    assert row
    assert partner_held
    callers = {
        "system": tokens.header(),
        "user": tokens.header(username=row[1]),
        "sensitive": tokens.header(roles=(Role.READ_CASES, Role.READ_SENSITIVE), username="x"),
        "partner": tokens.header(roles=(Role.PARTNER,), client_id="crc-c01", provider="C01"),
        "no-role": tokens.header(roles=("ROLE_SOMETHING_ELSE",), username="jsmith"),
    }
    return World(ordinary, custody, restricted, (row[0].strip(), row[1]), partner_held, callers)

"""Liveness and readiness endpoints."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import httpx
import pytest

from tests.conftest import in_process

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    health = await client.get("/health")
    ready = await client.get("/ready")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"delius": True}, "backends": {"delius": {"status": "up"}}},
    )


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_graphiql_assets_are_served_locally_and_match_their_pins(
    client: httpx.AsyncClient,
) -> None:
    """The IDE page links no CDN, and every local asset has the bytes its integrity pins."""
    page = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    assert "unpkg.com" not in page
    pinned = re.findall(r'(?:src|href)="(/graphiql-assets/[^"]+)"\s+integrity="([^"]+)"', page)
    assert len(pinned) == 7
    for path, integrity in pinned:
        response = await client.get(path)
        assert response.status_code == 200, path
        algorithm, _, expected = integrity.partition("-")
        digest = base64.b64encode(hashlib.new(algorithm, response.content).digest()).decode()
        assert digest == expected, path


async def test_production_mode_serves_no_ide_assets(
    settings: Any, delius: Any, tokens: Any
) -> None:
    from dataclasses import replace

    from api.app import create_app
    from resolvers.context import Backends

    app = create_app(replace(settings, graphiql=False), backends=Backends(delius=delius))
    async with in_process(app, tokens.header()) as http:
        assert (await http.get("/graphiql-assets/graphiql.min.js")).status_code == 404

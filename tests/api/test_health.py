"""Liveness and readiness endpoints."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    health = await client.get("/health")
    ready = await client.get("/ready")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"delius": True}},
    )


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()

"""Fixtures for the hardening checks: the app in production mode, over the seeded nDelius."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Settings
from api.trusted_documents import sha256
from resolvers.context import Backends
from tests.conftest import StatementLog, Tokens, in_process
from tests.federation.processes import serve_casegraph

REGISTERED = "query Registered { __typename }"
"""The one document in the tests' trusted-documents manifest."""


@pytest.fixture(scope="session")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trusted-documents manifest holding ``REGISTERED``."""
    path = tmp_path_factory.mktemp("trusted") / "documents.json"
    path.write_text(json.dumps({f"sha256:{sha256(REGISTERED)}": REGISTERED}))
    return path


@pytest.fixture(scope="session")
def production(settings: Settings, manifest: Path) -> Settings:
    """The shared settings with every production default: no IDE, no introspection, no
    suggestions; and a trusted-documents manifest."""
    return dataclasses.replace(
        settings,
        graphiql=False,
        introspection=False,
        field_suggestions=False,
        trusted_documents=str(manifest),
    )


@pytest.fixture(scope="session")
async def hardened(
    production: Settings, delius: DeliusAdapter, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    """A staff client (case reader) of the production-mode app, in-process."""
    app = create_app(production, backends=Backends(delius=delius))
    async with in_process(app, tokens.header()) as http:
        yield http


@pytest.fixture(scope="session")
def live_url(settings: Settings) -> Iterator[str]:
    """Case Graph under uvicorn on a free port (development mode, no OASys or CRCs), for the
    fuzzers, which talk to a real server."""
    with serve_casegraph(dataclasses.replace(settings, oasys_url="", crc_registry=())) as url:
        yield url


@pytest.fixture
def quiet_backend(statement_log: StatementLog) -> StatementLog:
    """The statement log, emptied: a refused document must leave it empty."""
    statement_log.clear()
    return statement_log


async def post(http: httpx.AsyncClient, query: str, **extra: Any) -> httpx.Response:
    """POST one document (plus any other request parameters)."""
    return await http.post("/graphql", json={"query": query, **extra})


def codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of every error in a response body."""
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def still_serving(http: httpx.AsyncClient) -> None:
    """A normal query gets a normal answer."""
    response = await post(http, "{ __typename }")
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}

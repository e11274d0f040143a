"""``casegraph serve`` on an nDelius without logical decoding says so at start-up, and
goes on serving reads; case events then answer with a coded error, not a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from adapters.delius.migrate import migrate
from api.settings import Secret, Settings
from sandbox.ndelius.load import load_contract
from sandbox.postgres import TemporaryPostgres
from tests.conftest import Tokens
from tests.server_process import start_server


@pytest.fixture(scope="module")
def replica_only() -> Iterator[TemporaryPostgres]:
    """A PostgreSQL whose WAL cannot be decoded (wal_level=replica)."""
    with TemporaryPostgres("ndelius", settings={"wal_level": "replica"}) as database:
        yield database


async def test_serve_says_events_are_off_and_keeps_serving_reads(
    replica_only: TemporaryPostgres, settings: Settings, tokens: Tokens
) -> None:
    await load_contract(replica_only.dsn)
    await migrate(replica_only.dsn)
    server_settings = replace(settings, delius_dsn=Secret(replica_only.dsn), oasys_url="")
    headers = tokens.header()
    server = await start_server(server_settings, headers)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as http:
            read = await http.post("/graphql", json={"query": '{ case(crn: "X000001") { crn } }'})
            events = await http.post(
                "/graphql", json={"query": "{ caseEvents { edges { cursor } } }"}
            )
        output = server.log_tail()
    finally:
        server.stop()
    assert "Case events are OFF" in output
    assert "wal_level is 'replica', not 'logical'" in output
    assert read.status_code == 200
    assert [e["extensions"]["code"] for e in read.json()["errors"]] == ["NOT_FOUND"]
    assert events.status_code == 200
    assert [e["extensions"] for e in events.json()["errors"]] == [
        {"code": "SERVICE_UNAVAILABLE", "source": "delius"}
    ]

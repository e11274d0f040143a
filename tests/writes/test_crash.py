"""W2: ``kill -9`` during a load of writes; every acknowledged write is there exactly once.

A real server process over a durable throwaway cluster takes distinct-key writes until
some are acknowledged, is killed mid-load, and restarted. Then: every acknowledged write
is in nDelius once, retrying the rest with their keys duplicates nothing, and no contact
exists without its idempotency claim or the other way round.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from api.settings import Secret, Settings
from tests.conftest import Tokens, seeded_cluster
from tests.server_process import ServerProcess, start_server
from tests.writes.conftest import NOTE, WRITER_ROLES, Case, cases

WRITES = 240
ACKED_BEFORE_KILL = 40
CONCURRENCY = 16


@pytest.fixture(scope="module")
def durable() -> Iterator[str]:
    """A durable (fsync on) cluster, loaded and seeded small."""
    with seeded_cluster(offenders=40, seed=11, durable=True) as dsn:
        yield dsn


@pytest.fixture(scope="module")
async def db(durable: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(durable)
    yield connection
    await connection.close()


def inputs(targets: list[Case], run: str) -> list[dict[str, Any]]:
    return [
        {"crn": targets[i % len(targets)].crn, "typeCode": "CTOB", "notes": f"Load note {i}.",
         "externalReference": f"urn:test:w2:{run}:{i}", "idempotencyKey": f"w2-{run}-{i}"}
        for i in range(WRITES)
    ]  # fmt: skip


async def send(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], sent: dict[str, Any]
) -> str | None:
    """The contact id of an acknowledged write; None when there was no clear answer."""
    try:
        response = await http.post(
            f"{url}/graphql", json={"query": NOTE, "variables": {"input": sent}}, headers=headers
        )
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    result = (response.json().get("data") or {}).get("addCaseNote") or {}
    assert result.get("problems", []) == [], result
    contact = result.get("contact")
    return None if contact is None else str(contact["id"])


async def test_acknowledged_writes_survive_a_kill_exactly_once(
    durable: str, db: Any, tokens: Tokens, settings: Settings
) -> None:
    targets = (await cases(db))[:8]
    login = await db.fetchval(
        "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL ORDER BY user_id LIMIT 1"
    )
    headers = tokens.header(roles=WRITER_ROLES, username=login)
    run = uuid.uuid4().hex[:8]
    load = inputs(targets, run)
    server_settings = dataclasses.replace(
        settings, delius_dsn=Secret(durable), oasys_url="", delius_pool_max=20
    )
    acked: dict[int, str] = {}
    enough = asyncio.Event()
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int, http: httpx.AsyncClient, server: ServerProcess) -> None:
        async with slots:
            if server.process.poll() is not None:
                return  # the server is gone: this write was never sent
            contact_id = await send(http, server.base_url, headers, load[i])
        if contact_id is not None:
            acked[i] = contact_id
            if len(acked) >= ACKED_BEFORE_KILL:
                enough.set()

    servers: list[ServerProcess] = []
    try:
        server = await start_server(server_settings, headers)
        servers.append(server)
        async with httpx.AsyncClient(timeout=10) as http:
            tasks = [asyncio.create_task(one(i, http, server)) for i in range(WRITES)]
            await asyncio.wait_for(enough.wait(), timeout=60)
            server.kill()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        assert ACKED_BEFORE_KILL <= len(acked) < WRITES  # killed mid-load

        for i, contact_id in acked.items():
            rows = await db.fetch(
                "SELECT contact_id FROM contact WHERE external_reference = $1",
                load[i]["externalReference"],
            )
            assert [str(r["contact_id"]) for r in rows] == [contact_id]

        committed = {
            int(row["idempotency_key"].rsplit("-", 1)[1]): str(row["contact_id"])
            for row in await db.fetch(
                "SELECT idempotency_key, contact_id FROM casegraph.idempotency "
                "WHERE idempotency_key LIKE $1",
                f"w2-{run}-%",
            )
        }
        assert acked.items() <= committed.items()

        again = await start_server(server_settings, headers)
        servers.append(again)
        async with httpx.AsyncClient(timeout=10) as http:
            retried = await asyncio.gather(
                *(send(http, again.base_url, headers, load[i]) for i in range(WRITES))
            )
        assert all(contact_id is not None for contact_id in retried)
        for i, contact_id in committed.items():
            assert retried[i] == contact_id  # a replay, acknowledged or not before the kill
    finally:
        for started in servers:
            started.stop()

    references = [sent["externalReference"] for sent in load]
    counts = await db.fetch(
        "SELECT external_reference, count(*) AS n FROM contact "
        "WHERE external_reference = ANY($1::text[]) GROUP BY external_reference",
        references,
    )
    assert len(counts) == WRITES
    assert {row["n"] for row in counts} == {1}
    orphans = await db.fetchval(
        """SELECT count(*) FROM contact c WHERE c.external_reference = ANY($1::text[])
           AND NOT EXISTS (SELECT 1 FROM casegraph.idempotency i
                           WHERE i.contact_id = c.contact_id)""",
        references,
    )
    assert orphans == 0
    claims = await db.fetch(
        """SELECT i.idempotency_key, c.contact_id FROM casegraph.idempotency i
           LEFT JOIN contact c ON c.contact_id = i.contact_id
           WHERE i.idempotency_key LIKE $1""",
        f"w2-{run}-%",
    )
    assert len(claims) == WRITES
    assert all(row["contact_id"] is not None for row in claims)

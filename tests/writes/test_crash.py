"""W2: ``kill -9`` during a load of writes; every acknowledged write is there exactly once.

A real server process over a durable throwaway cluster takes distinct-key writes until
some are acknowledged, is killed mid-load, and restarted. Then: every acknowledged write
is in nDelius once, retrying the rest with their keys duplicates nothing, and no contact
exists without its idempotency claim or the other way round.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.delius.migrate import migrate
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres, free_port
from tests.conftest import AUDIENCE, ISSUER, Tokens
from tests.writes.conftest import NOTE, WRITER_ROLES, Case, cases

WRITES = 240
ACKED_BEFORE_KILL = 40
CONCURRENCY = 16
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def durable() -> Iterator[str]:
    """A durable (fsync on) cluster, loaded and seeded small."""
    with TemporaryPostgres("ndelius", durable=True) as database:

        async def prepare() -> None:
            await load_contract(database.dsn)
            await seed_database(database.dsn, offenders=40, seed=11)
            await migrate(database.dsn)

        asyncio.run(prepare())
        yield database.dsn


@pytest.fixture(scope="module")
async def db(durable: str) -> AsyncIterator[Any]:
    connection = await asyncpg.connect(durable)
    yield connection
    await connection.close()


class Server:
    """The API in its own process, started and killed like the real thing."""

    def __init__(self, dsn: str, jwks: Path, log: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CASEGRAPH_")}
        self.env.update(
            CASEGRAPH_DELIUS_DSN=dsn,
            CASEGRAPH_JWKS=str(jwks),
            CASEGRAPH_JWT_ISSUER=ISSUER,
            CASEGRAPH_JWT_AUDIENCE=AUDIENCE,
            CASEGRAPH_SEARCH_REFRESH_SECONDS="0",
            CASEGRAPH_OASYS_URL="",
            CASEGRAPH_DELIUS_POOL_MAX="20",
        )
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    async def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = self._spawn(port)
        async with httpx.AsyncClient(timeout=1) as http:
            for _ in range(300):  # up to ~30 s
                assert self.process.poll() is None, self.log.read_text()
                try:
                    if (await http.get(f"{self.url}/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the server did not start")

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve"],
                env={**self.env, "CASEGRAPH_PORT": str(port)},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


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
    durable: str, db: Any, tokens: Tokens, jwks_path: Path, tmp_path: Path
) -> None:
    targets = (await cases(db))[:8]
    login = await db.fetchval(
        "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL ORDER BY user_id LIMIT 1"
    )
    headers = tokens.header(roles=WRITER_ROLES, username=login)
    run = uuid.uuid4().hex[:8]
    load = inputs(targets, run)
    server = Server(durable, jwks_path, tmp_path / "server.log")
    acked: dict[int, str] = {}
    enough = asyncio.Event()
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int, http: httpx.AsyncClient) -> None:
        async with slots:
            if server.process is not None and server.process.poll() is not None:
                return  # the server is gone: this write was never sent
            contact_id = await send(http, server.url, headers, load[i])
        if contact_id is not None:
            acked[i] = contact_id
            if len(acked) >= ACKED_BEFORE_KILL:
                enough.set()

    try:
        await server.start()
        async with httpx.AsyncClient(timeout=10) as http:
            tasks = [asyncio.create_task(one(i, http)) for i in range(WRITES)]
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

        await server.start()
        async with httpx.AsyncClient(timeout=10) as http:
            retried = await asyncio.gather(
                *(send(http, server.url, headers, load[i]) for i in range(WRITES))
            )
        assert all(contact_id is not None for contact_id in retried)
        for i, contact_id in committed.items():
            assert retried[i] == contact_id  # a replay, acknowledged or not before the kill
    finally:
        server.stop()

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

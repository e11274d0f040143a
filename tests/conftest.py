"""Project-wide fixtures: one throwaway nDelius for the whole run, and the app over it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from adapters.delius import DeliusAdapter
from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.settings import Secret, Settings
from api.tokens import SigningKey, save_key
from resolvers.context import Backends
from resolvers.viewer import Role
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres

TEST_OFFENDERS = 400
TEST_SEED = 7


@pytest.fixture(scope="session")
def postgres() -> Iterator[TemporaryPostgres]:
    """A throwaway PostgreSQL cluster, seeded once for the whole run."""
    with TemporaryPostgres("ndelius") as database:

        async def prepare() -> None:
            await load_contract(database.dsn)
            await seed_database(database.dsn, offenders=TEST_OFFENDERS, seed=TEST_SEED)
            await migrate(database.dsn)
            await refresh_search(database.dsn)

        asyncio.run(prepare())
        yield database


@contextlib.contextmanager
def seeded_cluster(offenders: int, seed: int, *, durable: bool = False) -> Iterator[str]:
    """A cluster of its own, loaded with the contract, seeded small and migrated; its DSN.

    For tests that kill servers, or need a replication slot, or empty queues, of their own.
    """
    with TemporaryPostgres("ndelius", durable=durable) as database:

        async def prepare() -> None:
            await load_contract(database.dsn)
            await seed_database(database.dsn, offenders=offenders, seed=seed)
            await migrate(database.dsn)

        asyncio.run(prepare())
        yield database.dsn


async def create_database(cluster: TemporaryPostgres, name: str) -> str:
    """Create an empty database in the cluster and return its DSN."""
    connection = await asyncpg.connect(cluster.dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return cluster.dsn.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def dsn(postgres: TemporaryPostgres) -> str:
    """The seeded database's connection string."""
    return postgres.dsn


# asyncpg introspects unfamiliar types once per fresh connection; those statements are
# the driver's, not the adapter's, and do not recur.
DRIVER_INTROSPECTION = (
    "SELECT current_setting('jit')",
    "SELECT set_config('jit'",
    "WITH RECURSIVE typeinfo_tree",
)


@dataclass
class StatementLog:
    """Every SQL statement the adapter sent, in order (driver introspection aside)."""

    statements: list[str] = field(default_factory=list)

    def __call__(self, sql: str) -> None:
        if not " ".join(sql.split()).startswith(DRIVER_INTROSPECTION):
            self.statements.append(sql)

    def clear(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture(scope="session")
def statement_log() -> StatementLog:
    """The statements the session's adapter runs; clear it before measuring."""
    return StatementLog()


@pytest.fixture(scope="session")
async def delius(dsn: str, statement_log: StatementLog) -> AsyncIterator[DeliusAdapter]:
    """The real nDelius adapter over the seeded database."""
    adapter = await DeliusAdapter.connect(dsn, on_statement=statement_log)
    yield adapter
    await adapter.aclose()


ISSUER = "casegraph-tests"
AUDIENCE = "casegraph"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The key that signs the tests' tokens."""
    return SigningKey.generate()


@pytest.fixture(scope="session")
def jwks_path(signing_key: SigningKey, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JWKS file the app under test trusts."""
    return save_key(signing_key, tmp_path_factory.mktemp("keys"))


@dataclass(frozen=True)
class Tokens:
    """Mints tokens the app under test accepts."""

    key: SigningKey

    def mint(
        self,
        *,
        roles: tuple[str, ...] = (Role.READ_CASES,),
        username: str | None = None,
        client_id: str = "casegraph-tests",
        provider: str | None = None,
        lifetime: int = 600,
    ) -> str:
        return self.key.mint(
            issuer=ISSUER,
            audience=AUDIENCE,
            client_id=client_id,
            username=username,
            roles=roles,
            provider=provider,
            lifetime=lifetime,
        )

    def header(self, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.mint(**claims)}"}


@pytest.fixture(scope="session")
def tokens(signing_key: SigningKey) -> Tokens:
    """Token minting for tests."""
    return Tokens(signing_key)


@pytest.fixture(scope="session")
def settings(dsn: str, jwks_path: Path) -> Settings:
    """Settings for the app under test."""
    return Settings(
        delius_dsn=Secret(dsn),
        search_refresh_seconds=0,
        graphiql=True,
        introspection=True,
        jwks=str(jwks_path),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
    )


@pytest.fixture(scope="session")
async def client(
    settings: Settings, delius: DeliusAdapter, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process, as a case reader with no username."""
    app = create_app(settings, backends=Backends(delius=delius))
    async with in_process(app, tokens.header()) as http:
        yield http


@contextlib.asynccontextmanager
async def in_process(
    app: Any, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to ``app`` in-process, sending ``headers`` on every request."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://casegraph.test", headers=headers
    ) as http:
        yield http


class GraphQL:
    """Posts GraphQL documents and returns the decoded response body."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, *, headers: dict[str, str] | None = None, **variables: Any
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    """Run a GraphQL query against the app."""
    return GraphQL(client)


@pytest.fixture(scope="session")
async def sql(dsn: str) -> AsyncIterator[Any]:
    """A direct connection to the legacy tables, to check answers against."""
    import asyncpg

    connection = await asyncpg.connect(dsn)
    await connection.execute("SET timezone = 'Europe/London'")
    yield connection
    await connection.close()

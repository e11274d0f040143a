"""One throwaway PostgreSQL for the sandbox tests, with a small seeded nDelius database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import asyncpg
import pytest

from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import SeedReport, seed_database
from sandbox.postgres import TemporaryPostgres
from tests.conftest import create_database

OFFENDERS = 300


@pytest.fixture(scope="session")
def postgres() -> Iterator[TemporaryPostgres]:
    """The session's cluster; each test database is created in it."""
    with TemporaryPostgres(dbname="postgres") as cluster:
        yield cluster


async def seeded_database(
    cluster: TemporaryPostgres, name: str, **options: int
) -> tuple[str, SeedReport]:
    """A database holding the contract and a seed of ``OFFENDERS`` people."""
    dsn = await create_database(cluster, name)
    await load_contract(dsn)
    report = await seed_database(dsn, offenders=OFFENDERS, **options)
    return dsn, report


@pytest.fixture(scope="session")
async def seeded(postgres: TemporaryPostgres) -> tuple[str, SeedReport]:
    """The reference seed: 300 people, seed 1, default workers."""
    return await seeded_database(postgres, "seeded", seed=1)


@pytest.fixture
def new_database(postgres: TemporaryPostgres) -> Callable[[str], Awaitable[str]]:
    """Creates an empty database in the session's cluster and returns its DSN."""

    async def create(name: str) -> str:
        return await create_database(postgres, name)

    return create


@pytest.fixture
def seed_into(
    postgres: TemporaryPostgres,
) -> Callable[..., Awaitable[tuple[str, SeedReport]]]:
    """Creates a database, loads the contract and seeds it with the given options."""

    async def seed(name: str, **options: int) -> tuple[str, SeedReport]:
        return await seeded_database(postgres, name, **options)

    return seed


@pytest.fixture
async def db(seeded: tuple[str, SeedReport]) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the seeded database."""
    connection = await asyncpg.connect(seeded[0])
    try:
        yield connection
    finally:
        await connection.close()

"""The asyncpg pool behind the nDelius adapter, and the translation of driver errors.

Every statement goes through ``Database.fetch``, which turns driver and network errors
into ``BackendUnavailable`` / ``BackendTimeout`` with source "delius", so nothing above
the adapter ever sees asyncpg (or the SQL and values in its messages).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable

SOURCE = "delius"

StatementListener = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """How the pool connects and how long a statement may run."""

    min_size: int = 2
    max_size: int = 10
    connect_timeout: float = 5.0
    statement_timeout: float = 2.0


class Database:
    """A pool of connections to nDelius with timeouts and error translation."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def connect(
        cls,
        dsn: str,
        options: PoolOptions | None = None,
        *,
        on_statement: StatementListener | None = None,
    ) -> Database:
        """Open the pool. ``on_statement`` hears every statement (tests count them)."""
        options = options or PoolOptions()

        async def init(connection: asyncpg.Connection) -> None:
            if on_statement is not None:
                connection.add_query_logger(lambda record: on_statement(record.query))

        async def keep_as_is(connection: asyncpg.Connection) -> None:
            # Readers never change session state, so the default reset on every
            # release (RESET ALL, UNLISTEN, ...) would be a wasted round trip.
            return None

        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=options.min_size,
                max_size=options.max_size,
                timeout=options.connect_timeout,
                command_timeout=options.statement_timeout + 1.0,
                init=init,
                reset=keep_as_is,
                server_settings={
                    "application_name": "casegraph",
                    "search_path": "public,casegraph",
                    "timezone": "Europe/London",
                    "statement_timeout": str(int(options.statement_timeout * 1000)),
                    "plan_cache_mode": "force_generic_plan",
                },
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            raise BackendUnavailable(SOURCE, "cannot connect to nDelius") from error
        return cls(pool)

    async def close(self) -> None:
        """Close every connection, waiting briefly for statements in flight."""
        try:
            await asyncio.wait_for(self._pool.close(), timeout=5)
        except TimeoutError:
            self._pool.terminate()

    async def fetch(self, sql: str, *args: Any) -> Sequence[asyncpg.Record]:
        """Run one read statement and return its rows."""
        async with self.connection() as connection:
            with translate_errors():
                return await connection.fetch(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run one read statement and return the first column of its first row."""
        async with self.connection() as connection:
            with translate_errors():
                return await connection.fetchval(sql, *args)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        """A pooled connection, with acquisition and driver errors translated."""
        with translate_errors():
            connection = await self._pool.acquire()
        try:
            yield connection
        finally:
            await self._pool.release(connection)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        """A pooled connection inside one transaction (committed when the block ends
        normally), with driver errors translated."""
        async with self.connection() as connection:
            with translate_errors():
                async with connection.transaction():
                    yield connection


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn asyncpg and network errors into the adapter's error tree."""
    try:
        yield
    except (asyncpg.QueryCanceledError, TimeoutError) as error:
        raise BackendTimeout(SOURCE, "nDelius statement timed out") from error
    except asyncpg.DataError as error:
        # The values sent were refused (a NUL in text, a number out of range): the
        # request's fault, not an outage.
        raise BackendRejected(SOURCE, f"nDelius refused a value: {type(error).__name__}") from error
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise BackendUnavailable(SOURCE, f"nDelius error: {type(error).__name__}") from error

"""The asyncpg pools behind the nDelius adapter, and the translation of driver errors.

Every statement goes through ``Database``, which turns driver and network errors into
``BackendUnavailable`` / ``BackendTimeout`` with source "delius", so nothing above the
adapter ever sees asyncpg (or the SQL and values in its messages).

Two pools at most: the primary's, for writes, the audit trail, idempotency keys and every
read made while a write is being served (``primary_reads``), and, when a read replica is
configured, the replica's for other reads (``adapters.delius.read_route`` decides). A
request that cannot get a connection within ``acquire_timeout`` fails with
``BackendUnavailable`` rather than waiting for ever. Behind PgBouncer in transaction mode
(``pgbouncer``) no session state is set and no statement is prepared by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from adapters.delius.read_route import ReadRoute, primary_reads
from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable
from adapters.metrics import POOL_IN_USE, POOL_WAITING, backend_call

POOL_SAMPLE_SECONDS = 1.0
"""How often the pool gauges are set from the pool's counts."""

__all__ = ["Database", "PoolOptions", "StatementListener", "primary_reads", "translate_errors"]

SOURCE = "delius"

StatementListener = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """How the pools connect, how long a statement may run and a request may wait."""

    min_size: int = 2
    max_size: int = 10
    connect_timeout: float = 5.0
    statement_timeout: float = 2.0
    acquire_timeout: float = 3.0
    """Seconds a statement waits for a free connection before the request is refused."""
    pgbouncer: bool = False
    """The DSN is PgBouncer in transaction mode: no named prepared statements (asyncpg's
    statement cache off) and no session settings (PgBouncer would refuse them at start-up
    and could not keep them across transactions); ``statement_timeout`` then rests on
    asyncpg's command timeout and on what the operator sets on the role or in PgBouncer."""
    read_dsn: str = ""
    """A read replica for read-only statements; empty sends everything to the primary."""
    max_replica_lag: float = 5.0
    """Seconds of replica lag above which reads go back to the primary."""


def connect_arguments(options: PoolOptions, application_name: str = "casegraph") -> dict[str, Any]:
    """What ``asyncpg.connect`` / ``create_pool`` is given, with or without PgBouncer."""
    settings = {"application_name": application_name, "timezone": "Europe/London"}
    if not options.pgbouncer:
        settings |= {
            "statement_timeout": str(int(options.statement_timeout * 1000)),
            "plan_cache_mode": "force_generic_plan",
            # Case Graph's own SQL names its schema; this serves SQL that does not.
            "search_path": "public,casegraph",
        }
    arguments: dict[str, Any] = {
        "timeout": options.connect_timeout,
        "command_timeout": options.statement_timeout + 1.0,
        "server_settings": settings,
    }
    if options.pgbouncer:
        arguments["statement_cache_size"] = 0
    return arguments


class Database:
    """Pools of connections to nDelius with timeouts, routing and error translation."""

    def __init__(
        self, pool: asyncpg.Pool, *, acquire_timeout: float = 3.0, reads: ReadRoute | None = None
    ) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout
        self._reads = reads
        self._in_use = 0
        self._waiting = 0
        self._sampler = asyncio.get_running_loop().create_task(self._sample_pool())

    async def _sample_pool(self) -> None:
        """Set the pool gauges every second: counting is free, a gauge write is not."""
        while True:
            self.publish_pool()
            await asyncio.sleep(POOL_SAMPLE_SECONDS)

    def publish_pool(self) -> None:
        """Set the pool gauges to this process's counts now (both pools together)."""
        POOL_IN_USE.set(self._in_use)
        POOL_WAITING.set(self._waiting)

    @classmethod
    async def connect(
        cls,
        dsn: str,
        options: PoolOptions | None = None,
        *,
        on_statement: StatementListener | None = None,
    ) -> Database:
        """Open the pools. ``on_statement`` hears every statement (tests count them)."""
        options = options or PoolOptions()
        primary = await _open_pool(dsn, options, options.min_size, on_statement)
        reads = None
        if options.read_dsn:
            # The replica's pool opens connections on demand: a replica that is down
            # at start-up sends reads to the primary instead of stopping the service.
            try:
                replica = await _open_pool(options.read_dsn, options, 0, on_statement)
            except BackendUnavailable:
                await primary.close()
                raise
            reads = ReadRoute(primary, replica, max_lag=options.max_replica_lag)
        return cls(primary, acquire_timeout=options.acquire_timeout, reads=reads)

    async def close(self) -> None:
        """Close every connection, waiting briefly for statements in flight."""
        self._sampler.cancel()
        with suppress(asyncio.CancelledError):
            await self._sampler
        self._in_use = self._waiting = 0
        self.publish_pool()
        pools = [self._pool] + ([self._reads.replica] if self._reads is not None else [])
        for pool in pools:
            try:
                await asyncio.wait_for(pool.close(), timeout=5)
            except TimeoutError:
                pool.terminate()

    async def fetch(self, sql: str, *args: Any) -> Sequence[asyncpg.Record]:
        """Run one read-only statement (on the replica when it may) and return its rows."""
        async with self._read_connection() as connection:
            with translate_errors():
                return await connection.fetch(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        """Run one read-only statement and return the first column of its first row."""
        async with self._read_connection() as connection:
            with translate_errors():
                return await connection.fetchval(sql, *args)

    async def fetch_primary(self, sql: str, *args: Any) -> Sequence[asyncpg.Record]:
        """Run one statement on the primary: a write, or a read that must see every write."""
        async with self.connection() as connection:
            with translate_errors():
                return await connection.fetch(sql, *args)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        """A connection to the primary, with acquisition and driver errors translated.

        Its use is one nDelius call on the backend metrics; the pool gauges count who
        waits for a connection and who holds one.
        """
        with backend_call(SOURCE):
            connection = await self._acquire(self._pool)
            try:
                yield connection
            finally:
                await self._release(self._pool, connection)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        """A connection to the primary inside one transaction (committed when the block
        ends normally), with driver errors translated."""
        async with self.connection() as connection:
            with translate_errors():
                async with connection.transaction():
                    yield connection

    @asynccontextmanager
    async def _read_connection(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        with backend_call(SOURCE):
            pool = self._pool if self._reads is None else await self._reads.pool_for_read()
            try:
                connection = await self._acquire(pool)
            except BackendUnavailable:
                if self._reads is None or pool is self._pool:
                    raise
                pool = self._reads.replica_failed()
                connection = await self._acquire(pool)
            try:
                yield connection
            finally:
                await self._release(pool, connection)

    async def _acquire(self, pool: asyncpg.Pool) -> PoolConnectionProxy[asyncpg.Record]:
        self._waiting += 1
        try:
            with translate_errors():
                connection = await pool.acquire(timeout=self._acquire_timeout)
        except BackendTimeout as error:
            # Every connection is busy: a bounded wait, then a clear refusal, not a hang.
            raise BackendUnavailable(SOURCE, "no free nDelius connection") from error
        finally:
            self._waiting -= 1
        self._in_use += 1
        return connection

    async def _release(
        self, pool: asyncpg.Pool, connection: PoolConnectionProxy[asyncpg.Record]
    ) -> None:
        self._in_use -= 1
        await pool.release(connection)


async def _open_pool(
    dsn: str, options: PoolOptions, min_size: int, on_statement: StatementListener | None
) -> asyncpg.Pool:
    async def init(connection: asyncpg.Connection) -> None:
        if on_statement is not None:
            connection.add_query_logger(lambda record: on_statement(record.query))

    async def keep_as_is(connection: asyncpg.Connection) -> None:
        # Readers never change session state, so the default reset on every
        # release (RESET ALL, UNLISTEN, ...) would be a wasted round trip.
        return None

    try:
        return await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=options.max_size,
            init=init,
            reset=keep_as_is,
            **connect_arguments(options),
        )
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        raise BackendUnavailable(SOURCE, "cannot connect to nDelius") from error

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

"""Which pool a read-only statement runs on: the read replica when it is fresh enough.

Reads go to the replica unless one of these holds, in which case they go to the primary:
- the request is serving a write (``primary_reads``): the access check that guards it,
  the idempotency claim and the result it returns must see the primary's rows
  (read-your-writes);
- the replica lags more than ``max_lag`` seconds behind the primary, or its lag cannot be
  measured (it is down or unreachable).

The lag is measured on the replica at most every ``check_every`` seconds, by one caller
while the others use the last figure: 0 when it has replayed all the WAL it received,
else the age of the last transaction it replayed. Every routed read counts in
``casegraph_delius_read_route_total{target,reason}``; the last lag measured is the gauge
``casegraph_delius_replica_lag_seconds`` (-1 when it could not be measured).
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

import asyncpg
from prometheus_client import Counter, Gauge

READ_ROUTE = Counter(
    "casegraph_delius_read_route",
    "Read-only nDelius statements by the pool that ran them and why.",
    ["target", "reason"],
)
REPLICA_LAG = Gauge(
    "casegraph_delius_replica_lag_seconds",
    "The read replica's last measured lag behind the primary (-1: not measurable).",
    multiprocess_mode="livemax",
)

_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND (SELECT status FROM pg_stat_wal_receiver) = 'streaming' THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)::float8
END
"""

_primary_reads: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "casegraph_primary_reads", default=False
)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Within this block (and the tasks it starts) every read goes to the primary."""
    token = _primary_reads.set(True)
    try:
        yield
    finally:
        _primary_reads.reset(token)


class ReadRoute:
    """Chooses between the primary's pool and the replica's for each read."""

    def __init__(self, primary: asyncpg.Pool, replica: asyncpg.Pool, *, max_lag: float) -> None:
        self.primary = primary
        self.replica = replica
        self._max_lag = max_lag
        self._check_every = min(1.0, max(max_lag / 2, 0.05))
        self._lag: float | None = None
        self._next_check = 0.0
        self._checking = False

    async def pool_for_read(self) -> asyncpg.Pool:
        """The pool this read should use now."""
        if _primary_reads.get():
            return self._routed(self.primary, "primary", "read_your_writes")
        lag = await self._current_lag()
        if lag is None:
            return self._routed(self.primary, "primary", "replica_unreachable")
        if lag > self._max_lag:
            return self._routed(self.primary, "primary", "replica_lag")
        return self._routed(self.replica, "replica", "fresh")

    def replica_failed(self) -> asyncpg.Pool:
        """The replica refused a connection: use the primary until the next measurement."""
        self._lag = None
        REPLICA_LAG.set(-1)
        return self._routed(self.primary, "primary", "replica_unreachable")

    async def _current_lag(self) -> float | None:
        now = time.monotonic()
        if now >= self._next_check and not self._checking:
            self._checking = True
            try:
                self._lag = await self._measure()
            finally:
                self._checking = False
                self._next_check = time.monotonic() + self._check_every
            REPLICA_LAG.set(-1 if self._lag is None else self._lag)
        return self._lag

    async def _measure(self) -> float | None:
        try:
            async with self.replica.acquire(timeout=1.0) as connection:
                return float(await connection.fetchval(_LAG_SQL, timeout=1.0))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            return None

    @staticmethod
    def _routed(pool: asyncpg.Pool, target: str, reason: str) -> asyncpg.Pool:
        READ_ROUTE.labels(target=target, reason=reason).inc()
        return pool

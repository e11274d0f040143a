"""A throwaway streaming standby of a ``TemporaryPostgres``, for the replica tests and demos.

The standby is cloned with ``pg_basebackup -R`` (which writes ``standby.signal`` and the
primary's address), then started on its own free loopback port as a hot standby, so it
serves read-only statements while it replays the primary's WAL. Everything else (running
as the ``postgres`` user, removing itself on ``stop()``) is ``TemporaryPostgres``'s.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Mapping

import asyncpg

from sandbox.postgres import PostgresError, TemporaryPostgres

_CATCH_UP_SECONDS = 30.0


class TemporaryReplica(TemporaryPostgres):
    """A hot standby streaming from ``primary`` (which must be running)."""

    def __init__(
        self, primary: TemporaryPostgres, *, settings: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(
            primary.dbname,
            user=primary.user,
            bin_dir=primary._bin_dir,
            settings={"hot_standby": "on", **primary.settings, **(settings or {})},
        )
        self.primary = primary

    def _initdb(self) -> None:
        """Clone the primary instead of creating an empty cluster."""
        assert self._root is not None
        if os.geteuid() == 0:
            shutil.chown(self._root, user="postgres", group=None)
        self._run_server_tool(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary.port),
            "-U",
            self.user,
            "-D",
            str(self._root / "data"),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
            timeout=300,
        )

    def _create_database(self) -> None:
        """The database came with the clone; a standby cannot create one anyway."""

    async def pause_replay(self, within: float = _CATCH_UP_SECONDS) -> None:
        """Stop applying WAL: the standby falls behind from the primary's next write.

        A pause is only requested until the standby next looks at WAL, so the primary
        writes a little (one synchronous commit) until the standby says it is paused.
        """
        await self._execute("SELECT pg_wal_replay_pause()")
        standby = await asyncpg.connect(self.dsn, timeout=10)
        primary = await asyncpg.connect(self.primary.dsn, timeout=10)
        try:
            await primary.execute("SET synchronous_commit = on")
            deadline = time.monotonic() + within
            while await standby.fetchval("SELECT pg_get_wal_replay_pause_state()") != "paused":
                if time.monotonic() > deadline:
                    raise PostgresError(f"the standby did not pause within {within:.0f}s")
                await primary.fetchval("SELECT pg_current_xact_id()")
                await asyncio.sleep(0.05)
        finally:
            await primary.close()
            await standby.close()

    async def resume_replay(self) -> None:
        """Apply WAL again."""
        await self._execute("SELECT pg_wal_replay_resume()")

    async def wait_caught_up(self, within: float = _CATCH_UP_SECONDS) -> None:
        """Wait until the standby has replayed everything the primary has written so far."""
        primary = await asyncpg.connect(self.primary.dsn, timeout=10)
        try:
            # With synchronous_commit off (the sandbox's default) a commit may not be
            # written out yet: a synchronous commit of a transaction that wrote WAL (a
            # logical message) writes out everything before it.
            await primary.execute("SET synchronous_commit = on")
            await primary.execute("SELECT pg_logical_emit_message(true, 'casegraph', 'sync')")
            target = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
        finally:
            await primary.close()
        standby = await asyncpg.connect(self.dsn, timeout=10)
        try:
            deadline = time.monotonic() + within
            while True:
                caught_up = await standby.fetchval(
                    "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", target
                )
                if caught_up:
                    return
                if time.monotonic() > deadline:
                    raise PostgresError(f"the standby did not catch up within {within:.0f}s")
                await asyncio.sleep(0.05)
        finally:
            await standby.close()

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=10)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

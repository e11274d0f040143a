"""A throwaway PgBouncer in transaction mode in front of a ``TemporaryPostgres``.

Debian's ``pgbouncer`` binary (1.18: no prepared-statement support, so clients must not
prepare statements by name) is run directly, not as a service, on a free loopback port
with a configuration written to a temporary directory. It refuses to run as root, so
as root it runs as the ``postgres`` user, like the server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sandbox.postgres import PostgresError, TemporaryPostgres, free_port
from sandbox.processes import stop_process

_START_SECONDS = 15.0

_CONFIG = """\
[databases]
{dbname} = host=127.0.0.1 port={server_port} dbname={dbname} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {root}/userlist.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


def find_pgbouncer() -> str | None:
    """The pgbouncer binary (Debian puts it in /usr/sbin), or None."""
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


class TemporaryPgBouncer:
    """PgBouncer in transaction mode, pooling ``pool_size`` server connections: ``start()``
    it, and ``stop()`` it when done."""

    def __init__(self, server: TemporaryPostgres, *, pool_size: int = 5) -> None:
        self.server = server
        self.pool_size = pool_size
        self.port = 0
        self._root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def dsn(self) -> str:
        """A ``postgresql://`` URL of the server's database, through PgBouncer."""
        return f"postgresql://{self.server.user}@127.0.0.1:{self.port}/{self.server.dbname}"

    def start(self) -> TemporaryPgBouncer:
        """Write the configuration, start PgBouncer and wait until it accepts."""
        binary = find_pgbouncer()
        if binary is None:
            raise PostgresError("pgbouncer not found (apt-get install pgbouncer)")
        self._root = Path(tempfile.mkdtemp(prefix="casegraph-pgbouncer-"))
        self.port = free_port()
        config = _CONFIG.format(
            dbname=self.server.dbname,
            server_port=self.server.port,
            user=self.server.user,
            port=self.port,
            root=self._root,
            pool_size=self.pool_size,
        )
        (self._root / "pgbouncer.ini").write_text(config)
        (self._root / "userlist.txt").write_text(f'"{self.server.user}" ""\n')
        command = [binary, str(self._root / "pgbouncer.ini")]
        if os.geteuid() == 0:
            for path in (self._root, *self._root.iterdir()):
                shutil.chown(path, user="postgres", group=None)
            command = ["runuser", "-u", "postgres", "--", *command]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_accepting()
        return self

    def stop(self) -> None:
        """Stop PgBouncer (SIGTERM, then SIGKILL) and remove its directory."""
        process, self._process = self._process, None
        if process is not None:
            stop_process(process, 10)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def _wait_accepting(self) -> None:
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                break
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        log = self._root / "pgbouncer.log" if self._root else None
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        self.stop()
        raise PostgresError(f"pgbouncer did not start: {tail}")

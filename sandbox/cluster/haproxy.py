"""HAProxy (Debian) in front of the Case Graph processes, run from ``deploy/haproxy/haproxy.cfg``.

The operator's file is the one that runs here: only the addresses come from the
environment. The runtime API (a Unix socket) reports each server's state and takes a
server in or out of rotation, so a measurement can use one, two or three processes.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import time
from collections.abc import Sequence
from pathlib import Path

from sandbox.cluster.processes import STARTUP_SECONDS, Child, ChildError

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "haproxy.cfg"
BACKEND = "casegraph"
SERVERS = ("casegraph1", "casegraph2", "casegraph3")


def haproxy_missing() -> str | None:
    """Why HAProxy cannot run here, or None."""
    return None if shutil.which("haproxy") else "haproxy is not installed (apt-get install haproxy)"


class HAProxy(Child):
    """One HAProxy process balancing ``servers`` (host:port each, three of them)."""

    def __init__(self, port: int, stats_port: int, servers: Sequence[str], folder: Path) -> None:
        if len(servers) != len(SERVERS):
            raise ValueError(f"the configuration names {len(SERVERS)} servers")
        self.port = port
        self.admin_socket = folder / "haproxy.sock"
        env = {
            **os.environ,
            "HAPROXY_BIND": f"127.0.0.1:{port}",
            "HAPROXY_STATS_BIND": f"127.0.0.1:{stats_port}",
            "HAPROXY_ADMIN_SOCKET": str(self.admin_socket),
            **{f"HAPROXY_SERVER_{i}": address for i, address in enumerate(servers, start=1)},
        }
        super().__init__("haproxy", ["haproxy", "-db", "-f", str(CONFIG)], folder, env=env)

    @property
    def url(self) -> str:
        """Where clients send GraphQL."""
        return f"http://127.0.0.1:{self.port}/graphql"

    def runtime(self, line: str) -> str:
        """Send one runtime-API command and return its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5.0)
            connection.connect(str(self.admin_socket))
            connection.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, str]:
        """Each server's status as HAProxy sees it (``UP``, ``DOWN``, ``MAINT``, ...)."""
        text = self.runtime("show stat").lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == BACKEND and row["svname"] in SERVERS
        }

    def set_enabled(self, server: str, enabled: bool) -> None:
        """Put a server into rotation or into maintenance."""
        self.runtime(f"{'enable' if enabled else 'disable'} server {BACKEND}/{server}")

    def wait_states(self, wanted: dict[str, str]) -> None:
        """Return once every server in ``wanted`` has that status (bounded)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if not self.running:
                raise ChildError(f"haproxy exited:\n{self.log_tail()}")
            try:
                states = self.states()
            except OSError:
                states = {}
            if all(states.get(name, "").startswith(status) for name, status in wanted.items()):
                return
            time.sleep(0.1)
        raise ChildError(f"haproxy never showed {wanted}: {states}")

"""The servers under test, each a subprocess on its own free loopback port.

Every server runs in its own process group (so uvicorn's workers go with it), logs to a
file rather than a pipe nobody reads, and is stopped with SIGTERM, then SIGKILL after a
grace period. Peak memory is the sum of ``VmHWM`` over the process tree, read just
before stopping: for several workers that is an upper bound on the true combined peak.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.cpu import tree
from sandbox.postgres import free_port

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
POSTGRAPHILE_DIR = BENCH_DIR / "postgraphile"
_READY_TIMEOUT = 60.0
_STOP_TIMEOUT = 15.0


class ServerError(RuntimeError):
    """A server did not start, or died."""


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """How to start one server: command, environment, and the URL that says it is up."""

    name: str
    command: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    ready_path: str = "/health"
    cwd: Path = REPO


def casegraph(dsn: str, jwks: Path, *, workers: int, batching: bool = True) -> ServerSpec:
    """``casegraph serve`` as deployed: uvicorn with uvloop and httptools, access log on,
    trusting the benchmark's own signing key (``jwks``)."""
    executable = Path(sys.executable).parent / "casegraph"
    return ServerSpec(
        name=f"casegraph-{workers}w" + ("" if batching else "-naive"),
        command=(str(executable), "serve", "--host", "127.0.0.1", "--workers", str(workers)),
        env={
            "CASEGRAPH_DELIUS_DSN": dsn,
            "CASEGRAPH_SEARCH_REFRESH_SECONDS": "0",
            # The case-event capture polls the replication slot ten times a second: work
            # no other target does, which pg_stat_statements would count as the requests'.
            "CASEGRAPH_EVENTS_CAPTURE": "false",
            "CASEGRAPH_LOADER_BATCHING": "true" if batching else "false",
            "CASEGRAPH_JWKS": str(jwks),
        },
        ready_path="/ready",
    )


def floor(dsn: str, *, audited: bool = False, workers: int = 1) -> ServerSpec:
    """The raw-SQL floor under the same uvicorn settings as ``casegraph serve``; ``audited``
    adds the limited-access check and the audit rows Case Graph must write."""
    name = "floor-audited" if audited else "floor"
    return ServerSpec(
        name=name if workers == 1 else f"{name}-{workers}w",
        command=(
            sys.executable, "-m", "uvicorn", "bench.floor:create_app", "--factory",
            "--host", "127.0.0.1", "--workers", str(workers),
        ),
        env={"BENCH_FLOOR_DSN": dsn, "BENCH_FLOOR_AUDITED": "1" if audited else "0"},
    )  # fmt: skip


def floor_rows(dsn: str) -> ServerSpec:
    """The rows floor (raw asyncpg, the answer written in Python), under the same uvicorn
    settings as ``casegraph serve``."""
    return ServerSpec(
        name="floor-rows",
        command=(
            sys.executable, "-m", "uvicorn", "bench.floor_rows:create_app", "--factory",
            "--host", "127.0.0.1", "--workers", "1",
        ),
        env={"BENCH_FLOOR_DSN": dsn},
    )  # fmt: skip


def postgraphile(dsn: str) -> ServerSpec:
    """PostGraphile v5 on the Node 22 that ``npm ci`` put in bench/postgraphile."""
    node = POSTGRAPHILE_DIR / "node_modules" / ".bin" / "node"
    return ServerSpec(
        name="postgraphile",
        command=(str(node), "server.mjs"),
        env={"DATABASE_URL": dsn, "NODE_ENV": "production"},
        ready_path="/graphql",
        cwd=POSTGRAPHILE_DIR,
    )


class RunningServer:
    """One started server: its base URL, and how to measure and stop it."""

    def __init__(self, spec: ServerSpec, log_dir: Path) -> None:
        self.spec = spec
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{spec.name}.log"
        env = {**os.environ, **spec.env, "PORT": str(self.port)}
        command = list(spec.command)
        if spec.name != "postgraphile":
            command += ["--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                cwd=spec.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        """The server's main process (with one worker, the one that serves)."""
        return self._process.pid

    def wait_ready(self) -> None:
        """Poll the ready URL until it answers 200, the process dies, or time runs out."""
        deadline = time.monotonic() + _READY_TIMEOUT
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    raise ServerError(f"{self.spec.name} exited: {self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if self._probe(client):
                        return
                time.sleep(0.25)
        raise ServerError(f"{self.spec.name} not ready after {_READY_TIMEOUT:.0f}s")

    def _probe(self, client: httpx.Client) -> bool:
        if self.spec.ready_path == "/graphql":
            response = client.post(self.url + "/graphql", json={"query": "{__typename}"})
        else:
            response = client.get(self.url + self.spec.ready_path)
        return response.status_code == 200

    def peak_rss_mb(self) -> float:
        """Sum of peak resident memory (VmHWM) over the server's process tree, in MiB."""
        return sum(_vm_hwm_kb(pid) for pid in tree(self._process.pid)) / 1024

    def processes(self) -> int:
        """How many processes the server runs (master and workers)."""
        return len(list(tree(self._process.pid)))

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL it if it lingers."""
        if self._process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=_STOP_TIMEOUT)

    def log_tail(self, lines: int = 15) -> str:
        """The end of the server's log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def serving(spec: ServerSpec, log_dir: Path) -> Iterator[RunningServer]:
    """Start a server, wait until it is ready, and always stop it."""
    server = RunningServer(spec, log_dir)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _vm_hwm_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0

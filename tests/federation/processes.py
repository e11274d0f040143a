"""Real servers for the composition tests: Case Graph under uvicorn, and Node scripts.

Every server listens on a port the OS picked on 127.0.0.1, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import uvicorn

from api.app import create_app
from api.settings import Settings
from sandbox.processes import stop_process

NODE_DIR = Path(__file__).resolve().parent / "node"
STARTUP_SECONDS = 90.0  # a safeguard against a hang, not a speed check: a busy machine is slow
STOP_SECONDS = 10.0


def node_missing() -> str | None:
    """Why the Node tests cannot run here (Node.js or the npm packages missing), or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE_DIR / "node_modules").is_dir():
        return "npm packages missing: run `npm ci --prefix tests/federation/node`"
    return None


@contextlib.contextmanager
def serve_casegraph(settings: Settings) -> Iterator[str]:
    """Case Graph under uvicorn in a thread, opening its real backends; yields its URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), log_level="warning", lifespan="on", ws="none", loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            assert thread.is_alive(), "Case Graph stopped while starting"
            assert time.monotonic() < deadline, "Case Graph did not start in time"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)
        listener.close()
        assert not thread.is_alive(), "Case Graph did not stop in time"


@contextlib.contextmanager
def node_server(script: str, *args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A Node script that prints ``listening <port>``; yields its URL, stops it after."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            ["node", script, *args],
            cwd=NODE_DIR,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={**os.environ, "NODE_ENV": "test", **(env or {})},
        )
        try:
            port = _announced_port(process, errors)
            yield f"http://127.0.0.1:{port}/"
        finally:
            _stop(process)


def run_node(script: str, *args: str) -> str:
    """Run a Node script to completion (bounded) and return what it printed."""
    done = subprocess.run(
        ["node", script, *args],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _announced_port(process: subprocess.Popen[bytes], errors: IO[bytes]) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([process.stdout], [], [], min(remaining, 0.5))
        if ready:
            line = process.stdout.readline().decode().strip()
            if line.startswith("listening "):
                return int(line.split()[1])
        if process.poll() is not None:
            break
    errors.seek(0)
    raise AssertionError(f"node did not start: {errors.read().decode()[-4000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    stop_process(process, STOP_SECONDS)
    if process.stdout is not None:
        process.stdout.close()

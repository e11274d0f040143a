"""Case Graph as a real uvicorn process, configured the way production is (``CASEGRAPH_*``).

The test binds the listening socket on a free loopback port and hands it to the child
(``uvicorn --fd``), then closes its own copy: the child holds the only one, so once the
child is killed, new connections are refused rather than queued for a successor. Every
wait is bounded; ``stop`` and ``kill`` act on this process id only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO

import httpx

from api.settings import PREFIX, CrcEndpoint, Secret, Settings
from sandbox.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes ``Settings.from_env()`` equal ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    defaults = Settings()
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if value == getattr(defaults, field.name):
            continue
        if field.name == "crc_registry":
            text = _registry_json(value)
        elif isinstance(value, Secret):
            text = value.value
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        env[f"{PREFIX}{field.name.upper()}"] = text
    return env


def _registry_json(endpoints: tuple[CrcEndpoint, ...]) -> str:
    """CASEGRAPH_CRC_REGISTRY for these endpoints (the form ``parse_crc_registry`` reads)."""
    registry: dict[str, dict[str, str]] = {}
    for e in endpoints:
        entry = {"url": e.base_url, "clientId": e.client_id, "clientSecret": e.client_secret.value}
        if e.webhook_url:
            entry |= {"webhookUrl": e.webhook_url, "webhookSecret": e.webhook_secret.value}
        registry[e.provider_code] = entry
    return json.dumps(registry)


@dataclass
class ServerProcess:
    """One running server: its process, its base URL and its captured output."""

    process: subprocess.Popen[bytes]
    base_url: str
    output: IO[bytes]

    def kill(self) -> None:
        """``kill -9``: no shutdown, no flushing, no goodbye."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(STOP_SECONDS)

    def stop(self) -> None:
        """Stop it if it still runs (SIGTERM, then SIGKILL), and release its output."""
        stop_process(self.process, STOP_SECONDS)
        self.output.close()

    def log_tail(self) -> str:
        """The end of what the server wrote, for failure messages."""
        self.output.seek(0)
        return self.output.read().decode(errors="replace")[-3000:]


async def start_server(settings: Settings, headers: dict[str, str]) -> ServerProcess:
    """Start ``uvicorn api.app:app_from_env`` on a free port; return once /ready is 200."""
    server = _spawn(settings)
    try:
        await _until_ready(server, headers)
    except BaseException:
        server.stop()
        raise
    return server


def _spawn(settings: Settings) -> ServerProcess:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    output = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server; stop closes it)
    env = settings_env(dataclasses.replace(settings, port=port))
    try:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "api.app:app_from_env", "--factory"),
                *("--fd", str(fd), "--log-level", "warning", "--no-access-log"),
            ],
            cwd=ROOT,
            env=env,
            pass_fds=(fd,),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    except BaseException:
        output.close()
        raise
    finally:
        listener.close()  # the child holds the only copy now
    return ServerProcess(process, f"http://127.0.0.1:{port}", output)


async def _until_ready(server: ServerProcess, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=2.0) as http:
        while time.monotonic() < deadline:
            assert server.process.poll() is None, f"the server exited:\n{server.log_tail()}"
            try:
                if (await http.get("/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"the server was not ready in time:\n{server.log_tail()}")

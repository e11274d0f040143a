"""``casegraph serve`` as a real process, with every backend, for the observability tests.

Unlike ``tests.server_process`` (one uvicorn worker on a socket the test binds), this runs
the ``serve`` command itself, so ``--workers N`` and its shared metrics directory are the
production ones. The port is a free one; every wait is bounded; ``stop`` signals this
process only (uvicorn's master then stops its workers, which flush their spans).
"""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping

from api.settings import Settings
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from sandbox.postgres import free_port
from tests.server_process import ROOT, ServerProcess, _until_ready, settings_env


def backend_env(oasys: OasysServer, crcs: CrcServers) -> dict[str, str]:
    """The variables that point a server at the OASys and CRC stand-ins."""
    return {
        "CASEGRAPH_OASYS_URL": oasys.url,
        "CASEGRAPH_CRC_REGISTRY": crcs.registry_json(),
        "CASEGRAPH_OASYS_CACHE_SECONDS": "0",
    }


def _spawn(settings: Settings, extra: Mapping[str, str], workers: int) -> ServerProcess:
    port = free_port()
    env = settings_env(dataclasses.replace(settings, port=port)) | dict(extra)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ServerProcess.stop)
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return ServerProcess(process, f"http://127.0.0.1:{port}", output)


@contextlib.asynccontextmanager
async def serving(
    settings: Settings, extra: Mapping[str, str], headers: dict[str, str], *, workers: int = 1
) -> AsyncIterator[ServerProcess]:
    """``casegraph serve --workers N`` on a free port, ready; stopped on the way out."""
    assert workers >= 1, "serve runs at least one worker"
    server = _spawn(settings, extra, workers)
    try:
        await _until_ready(server, headers)
        yield server
    finally:
        server.stop()

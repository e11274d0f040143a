"""Run the stand-in OASys with uvicorn in a background thread (tests, benchmarks, the demo).

A thread with its own event loop keeps the service independent of the caller's loop:
the adapter under test talks to it over real loopback HTTP, as it would to OASys.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn

from sandbox.oasys.app import FaultConfig, OasysState, create_oasys_app
from sandbox.oasys.dataset import OasysDataset

STARTUP_TIMEOUT = 10.0


class OasysServer:
    """The stand-in on ``host:port`` (port 0 picks a free one); ``url`` ends in ``/oasys``."""

    def __init__(
        self,
        dataset: OasysDataset,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultConfig | None = None,
        log_level: str = "critical",
    ) -> None:
        self.app = create_oasys_app(dataset, faults=faults)
        self.state: OasysState = self.app.state.oasys
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this; without it a response written in two parts waits
        # for the client's delayed ACK (about 40 ms per call over loopback).
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            self.app,
            log_level=log_level,
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/oasys"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OasysServer:
        """Start serving; returns once the server accepts connections. Starting a started
        server does nothing (``with start_oasys_server(...)`` starts it once, not twice)."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="oasys-stand-in", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the OASys stand-in did not start")
            time.sleep(0.01)
        return self

    def control(self, **changes: Any) -> None:
        """Change the injected faults from any thread (same keys as ``POST /_control``)."""
        loop = self._loop
        if loop is None:
            self.state.configure(changes)
            return
        done = threading.Event()

        def apply() -> None:
            try:
                self.state.configure(changes)
            finally:
                done.set()

        loop.call_soon_threadsafe(apply)
        if not done.wait(STARTUP_TIMEOUT):
            raise RuntimeError("the OASys stand-in did not apply the change")

    def stop(self) -> None:
        """Release hanging calls and shut down; bounded by uvicorn's graceful timeout."""
        if self._thread is None:
            return
        if self._thread.is_alive():
            self.control(reset=True)
        self._server.should_exit = True
        self._thread.join(STARTUP_TIMEOUT)
        self._thread = None
        self._socket.close()

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._server.serve(sockets=[self._socket]))
        finally:
            self._loop.close()
            self._loop = None

    def __enter__(self) -> OasysServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_oasys_server(dataset: OasysDataset, host: str, port: int) -> OasysServer:
    """Start the stand-in for the demo; the handle has ``.url`` and ``.stop()``."""
    return OasysServer(dataset, host=host, port=port, log_level="warning").start()

"""SIGTERM drains a process: the load balancer moves away first, then in-flight requests finish.

A process told to stop behind a load balancer must not refuse or drop a request. The
order is:

1. SIGTERM arrives. ``/ready`` answers 503 at once, every response carries
   ``Connection: close`` (so no pooled connection is reused), and requests are still
   served: the load balancer's next health checks take the process out of rotation.
2. ``CASEGRAPH_DRAIN_SECONDS`` later (longer than the health-check interval times its fall
   count), uvicorn's own SIGTERM handling runs: it stops accepting connections, closes idle
   ones and lets in-flight requests finish within ``CASEGRAPH_SHUTDOWN_SECONDS``.

The delay wraps whatever SIGTERM handler the server installed (uvicorn's, in one worker or
in each of several), so it works the same under ``casegraph serve`` and plain ``uvicorn``.
A second SIGTERM while draining changes nothing; SIGINT (Ctrl-C) still stops at once.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_Handler = Callable[[int, FrameType | None], Any]


class Drain:
    """Whether this process is draining, and the SIGTERM handler that makes it so."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self.draining = False
        self._previous: _Handler | None = None

    def install(self) -> None:
        """Put the drain in front of the current SIGTERM handler (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return  # an in-thread server (tests) has no signals to delay
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous):
            return  # no server handler to delay: the default stops the process as before
        self._previous = previous
        loop = asyncio.get_running_loop()

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if self.draining:
                return
            self.draining = True
            loop.call_soon_threadsafe(loop.call_later, self.grace_seconds, previous, signum, frame)

        signal.signal(signal.SIGTERM, on_sigterm)

    def uninstall(self) -> None:
        """Give SIGTERM back to the handler that was there before."""
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


class CloseWhileDraining:
    """ASGI middleware: while draining, every response asks the client to close its connection."""

    def __init__(self, app: ASGIApp, drain: Drain) -> None:
        self.app = app
        self.drain = drain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and self.drain.draining:
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)

"""Run one CRC stand-in per provider on consecutive loopback ports, in background threads.

The demo starts them from port 8091 up; tests pass ``base_port=0`` so every instance binds a
free port. The handle stops them all and prints the registry Case Graph is configured with.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import uvicorn

from sandbox.crc.app import BASE_PATH, CrcStandIn
from sandbox.crc.dataset import CrcDataset
from sandbox.crc.faults import FaultState
from sandbox.crc.tokens import ClientCredentials
from sandbox.crc.webhooks import RECEIVE_PATH, WebhookInbox

_START_TIMEOUT_SECONDS = 10.0


@dataclass
class CrcInstance:
    """One running instance: where it listens, its client credentials and its state."""

    provider_code: str
    host: str
    port: int
    credentials: ClientCredentials = field(repr=False)
    stand_in: CrcStandIn = field(repr=False)
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        """The base URL, including the contract's base path."""
        return f"http://{self.host}:{self.port}{BASE_PATH}"

    @property
    def webhook_url(self) -> str:
        """Where this CRC receives case events."""
        return f"http://{self.host}:{self.port}{RECEIVE_PATH}"

    @property
    def inbox(self) -> WebhookInbox:
        """The case events this CRC has received (same process, no HTTP needed)."""
        return self.stand_in.inbox

    @property
    def faults(self) -> FaultState:
        """The instance's fault switches and call counters (same process, no HTTP needed)."""
        return self.stand_in.faults


class CrcServers:
    """Handle on the running instances; ``stop()`` shuts them all down."""

    def __init__(self, instances: Mapping[str, CrcInstance]) -> None:
        self.instances = dict(instances)

    def __enter__(self) -> CrcServers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __getitem__(self, provider_code: str) -> CrcInstance:
        return self.instances[provider_code]

    def registry(self) -> dict[str, dict[str, str]]:
        """The CRC registry as a dict: provider code to url, clientId, clientSecret, and
        the webhook receiver's webhookUrl and webhookSecret."""
        return {
            code: {
                "url": instance.url,
                "clientId": instance.credentials.client_id,
                "clientSecret": instance.credentials.client_secret,
                "webhookUrl": instance.webhook_url,
                "webhookSecret": instance.stand_in.inbox.secret,
            }
            for code, instance in sorted(self.instances.items())
        }

    def registry_json(self) -> str:
        """The value for CASEGRAPH_CRC_REGISTRY."""
        return json.dumps(self.registry())

    def stop(self) -> None:
        """Release hung requests, ask every server to exit and wait (bounded) for its thread."""
        for instance in self.instances.values():
            instance.faults.hang = False
            instance._server.should_exit = True
        for instance in self.instances.values():
            instance._thread.join(timeout=_START_TIMEOUT_SECONDS)


def start_crc_servers(
    datasets: Mapping[str, CrcDataset],
    *,
    host: str = "127.0.0.1",
    base_port: int = 8091,
    credentials: Mapping[str, ClientCredentials] | None = None,
    token_ttl: int = 3600,
) -> CrcServers:
    """Start one instance per provider (sorted by code) on ``base_port``, ``base_port + 1``...

    ``base_port=0`` binds a free port for each. Providers without given credentials get a
    client id ``casegraph-<code>`` and a random secret.
    """
    given = credentials or {}
    instances: dict[str, CrcInstance] = {}
    try:
        for index, (code, dataset) in enumerate(sorted(datasets.items())):
            creds = given.get(code) or ClientCredentials(
                f"casegraph-{code.lower()}", secrets.token_urlsafe(24)
            )
            port = base_port + index if base_port else 0
            instances[code] = _start(code, dataset, creds, host, port, token_ttl)
    except BaseException:
        CrcServers(instances).stop()
        raise
    return CrcServers(instances)


def _start(
    code: str,
    dataset: CrcDataset,
    credentials: ClientCredentials,
    host: str,
    port: int,
    token_ttl: int,
) -> CrcInstance:
    stand_in = CrcStandIn(dataset, credentials)
    stand_in.faults.token_ttl = token_ttl
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections; without it,
    # Nagle plus delayed ACKs add about 40 ms to every keep-alive response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(
        stand_in.app,
        log_level="warning",
        lifespan="off",
        ws="none",
        loop="asyncio",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=_serve, args=(server, sock), name=f"crc-{code}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"CRC stand-in {code} did not start")
        time.sleep(0.01)
    bound_port = sock.getsockname()[1]
    return CrcInstance(code, host, bound_port, credentials, stand_in, server, thread)


def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()

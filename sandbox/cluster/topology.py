"""The whole topology on loopback, as `casegraph cluster-demo`, the cluster tests and bench run it.

    client -> federation gateway (Apollo Gateway, Node) -> HAProxy -> 3 x ``casegraph serve``
                       \\-> partner subgraph                          -> PostgreSQL primary
                                                                      -> streaming standby

Every piece is a real process on a port of its own; nothing is shared between the Case
Graph processes but PostgreSQL. The gateway and HAProxy run the operator's files in
``deploy/``. Each Case Graph process can be stopped (SIGTERM: it drains), killed (SIGKILL)
and started again on its port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adapters.delius.migrate import migrate, refresh_search
from api.settings import PREFIX, Settings
from api.tokens import SigningKey, save_key
from sandbox.cluster.haproxy import SERVERS, HAProxy
from sandbox.cluster.processes import Child
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres, free_port
from sandbox.replica import TemporaryReplica

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_DIR = ROOT / "deploy" / "gateway"
DATABASE_SETTINGS = {"max_connections": "200"}


def gateway_missing() -> str | None:
    """Why the gateway cannot run here (Node.js or its npm packages missing), or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (GATEWAY_DIR / "node_modules").is_dir():
        return "the gateway's npm packages are missing: run `npm ci --prefix deploy/gateway`"
    return None


@dataclass(frozen=True, slots=True)
class TopologyOptions:
    """What to start: the data, the ports (0: any free one) and how long a drain lasts."""

    offenders: int = 200
    seed: int = 1
    drain_seconds: float = 4.0
    balancer_port: int = 0
    gateway_port: int = 0
    stats_port: int = 0
    pool_max: int = 10


class Topology:
    """The running topology; start with ``start_topology``."""

    def __init__(self, options: TopologyOptions, folder: Path) -> None:
        self.options = options
        self.folder = folder
        self.key = SigningKey.generate()
        self.jwks = save_key(self.key, folder / "keys")
        self.settings = Settings()
        self.primary = TemporaryPostgres("ndelius", settings=DATABASE_SETTINGS)
        self.standby: TemporaryReplica | None = None
        self.replica_ports = [free_port() for _ in SERVERS]
        self.replicas: list[Child] = []
        self.haproxy: HAProxy | None = None
        self.partner: Child | None = None
        self.gateway: Child | None = None
        self.gateway_url = ""
        self.partner_url = ""

    def token(self, *roles: str, username: str | None = None) -> str:
        """A bearer token the Case Graph processes accept."""
        return self.key.mint(
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            client_id="casegraph-cluster",
            username=username,
            roles=roles or ("ROLE_CASEGRAPH_READ",),
            lifetime=12 * 3600,
        )

    def replica_url(self, index: int) -> str:
        """One Case Graph process's own address, bypassing the load balancer."""
        return f"http://127.0.0.1:{self.replica_ports[index]}"

    def start_replica(self, index: int) -> None:
        """Start Case Graph process ``index`` on its port; return once it is ready."""
        self._spawn_replica(index).wait_http(f"{self.replica_url(index)}/ready")

    def _spawn_replica(self, index: int) -> Child:
        child = Child(
            f"casegraph{index + 1}",
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.replica_ports[index])],
            self.folder,
            env=self._replica_env(),
            cwd=ROOT,
        ).start()
        if index < len(self.replicas):
            self.replicas[index] = child
        else:
            self.replicas.append(child)
        return child

    def stop_replica(self, index: int) -> int | None:
        """SIGTERM: the process drains, then exits; returns its exit code."""
        return self.replicas[index].stop(timeout=self.options.drain_seconds + 30)

    def kill_replica(self, index: int) -> None:
        """SIGKILL, mid-request if it has any."""
        self.replicas[index].kill()

    def _replica_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
        assert self.standby is not None
        values = {
            "DELIUS_DSN": self.primary.dsn,
            "DELIUS_READ_DSN": self.standby.dsn,
            "DELIUS_POOL_MAX": str(self.options.pool_max),
            "JWKS": str(self.jwks),
            "DRAIN_SECONDS": str(self.options.drain_seconds),
            "SHUTDOWN_SECONDS": "20",
            # no OASys here: an unused loopback port, never a demo's OASys on 8081
            "OASYS_URL": f"http://127.0.0.1:{free_port()}/oasys",
        }
        return env | {f"{PREFIX}{name}": value for name, value in values.items()}

    async def _prepare_database(self) -> None:
        dsn = self.primary.dsn
        await load_contract(dsn)
        await seed_database(dsn, offenders=self.options.offenders, seed=self.options.seed)
        await migrate(dsn)
        await refresh_search(dsn)

    def start(self) -> None:
        """Start everything, database first, gateway last."""
        self.primary.start()
        asyncio.run(self._prepare_database())
        self.standby = TemporaryReplica(self.primary)
        self.standby.start()
        asyncio.run(self.standby.wait_caught_up())
        partner_port = free_port()
        self.partner = Child(
            "partner",
            [sys.executable, "-m", "sandbox.cluster.partner", str(partner_port)],
            self.folder,
            cwd=ROOT,
        ).start()
        starting = [self._spawn_replica(index) for index in range(len(SERVERS))]
        for index, child in enumerate(starting):  # they start side by side
            child.wait_http(f"{self.replica_url(index)}/ready")
        self.haproxy = HAProxy(
            self.options.balancer_port or free_port(),
            self.options.stats_port or free_port(),
            [f"127.0.0.1:{port}" for port in self.replica_ports],
            self.folder,
        ).start()
        self.haproxy.wait_states(dict.fromkeys(SERVERS, "UP"))
        self.partner.wait_http(f"http://127.0.0.1:{partner_port}/graphql?query=%7B__typename%7D")
        self.partner_url = f"http://127.0.0.1:{partner_port}/graphql"
        self._start_gateway()

    def gateway_env(self) -> dict[str, str]:
        """The gateway's settings: both subgraphs, through HAProxy for Case Graph."""
        assert self.haproxy is not None
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(PREFIX)},
            "GATEWAY_SUBGRAPHS": f"casegraph={self.haproxy.url},partner={self.partner_url}",
            "GATEWAY_INTROSPECTION_AUTHORIZATION": f"Bearer {self.token()}",
            "GATEWAY_PORT": str(self.options.gateway_port),
            "NODE_ENV": "production",
        }

    def _start_gateway(self) -> None:
        env = self.gateway_env()
        self.gateway = Child(
            "gateway", ["node", "gateway.mjs"], self.folder, env=env, cwd=GATEWAY_DIR
        ).start()
        port = int(self.gateway.wait_output("listening ").split()[1])
        self.gateway_url = f"http://127.0.0.1:{port}/"

    def close(self) -> None:
        """Stop everything, gateway first, database last; the processes drain side by side."""
        for child in (self.gateway, self.haproxy, *self.replicas, self.partner):
            if child is not None:
                child.terminate()
        for child in (self.gateway, self.haproxy, *self.replicas, self.partner):
            if child is not None:
                child.stop(timeout=self.options.drain_seconds + 30)
        if self.standby is not None:
            self.standby.stop()
        self.primary.stop()


@contextlib.contextmanager
def start_topology(options: TopologyOptions | None = None) -> Iterator[Topology]:
    """The running topology, stopped and removed on exit."""
    with tempfile.TemporaryDirectory(prefix="casegraph-cluster-") as folder:
        topology = Topology(options or TopologyOptions(), Path(folder))
        try:
            topology.start()
            yield topology
        finally:
            topology.close()

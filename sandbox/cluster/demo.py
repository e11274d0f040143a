"""``casegraph cluster-demo``: the production topology on loopback, in one command.

Starts a PostgreSQL primary (loaded and seeded) and a streaming standby, three
``casegraph serve`` processes reading from the standby and writing to the primary,
HAProxy health-checking their ``/ready``, a partner's subgraph, and the federation gateway
over both; prints where everything is and a token. Ctrl-C (or SIGTERM) stops it all and
removes the databases. Try ``kill -TERM <pid>`` on one Case Graph process and watch
HAProxy's stats page: it leaves the rotation, drains and exits.
"""

from __future__ import annotations

import signal
import time
from types import FrameType

from resolvers.viewer import Role
from sandbox.cluster.haproxy import haproxy_missing
from sandbox.cluster.topology import Topology, TopologyOptions, gateway_missing, start_topology


def _banner(topology: Topology, stats_port: int) -> str:
    assert topology.haproxy is not None
    token = topology.token(Role.READ_CASES)
    processes = "\n".join(
        f"  casegraph{i + 1}:  {topology.replica_url(i)}  (pid {child.process.pid})"
        for i, child in enumerate(topology.replicas)
        if child.process is not None
    )
    assert topology.standby is not None
    return "\n".join(
        [
            "",
            "The Case Graph cluster is ready.",
            f"  federation gateway:  {topology.gateway_url}  (Case Graph + a partner subgraph)",
            f"  HAProxy:             {topology.haproxy.url}",
            f"  HAProxy stats:       http://127.0.0.1:{stats_port}/stats",
            processes,
            f"  PostgreSQL primary:  {topology.primary.dsn}",
            f"  streaming standby:   {topology.standby.dsn}",
            "",
            "A read through the gateway, across both subgraphs:",
            f"  curl -s {topology.gateway_url} -H 'Content-Type: application/json' \\",
            f"    -H 'Authorization: Bearer {token}' \\",
            """    -d '{"query": "{ searchCases(query: {name: \\"smith\\"}, first: 3) """
            """{ edges { node { crn name { surname } partnerNotes } } } }"}'""",
            "",
            f"Logs: {topology.folder}. Press Ctrl-C to stop; everything is removed on exit.",
        ]
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so the topology's clean-up runs (Python skips it on SIGTERM)


def run_cluster_demo(*, offenders: int, seed: int, port: int, gateway_port: int) -> int:
    """Run the cluster until interrupted; ``port`` is HAProxy's, ``gateway_port`` the gateway's."""
    missing = haproxy_missing() or gateway_missing()
    if missing:
        print(f"casegraph cluster-demo: {missing}")
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    stats_port = port + 404
    options = TopologyOptions(
        offenders=offenders,
        seed=seed,
        drain_seconds=5.0,
        balancer_port=port,
        gateway_port=gateway_port,
        stats_port=stats_port,
    )
    started = time.monotonic()
    print(f"Starting the cluster ({offenders:,} offenders) ...", flush=True)
    try:
        with start_topology(options) as topology:
            print(f"  ready in {time.monotonic() - started:.1f} s", flush=True)
            print(_banner(topology, stats_port), flush=True)
            while all(child.running for child in (topology.haproxy, topology.gateway) if child):
                time.sleep(1.0)
            print("HAProxy or the gateway stopped; shutting down.", flush=True)
    except KeyboardInterrupt:
        pass
    return 0

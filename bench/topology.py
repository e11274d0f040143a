"""``python -m bench.topology``: Case Graph through the federation gateway, 1, 2 and 3 processes.

One run starts the whole loopback topology (``sandbox/cluster``: Apollo Gateway ->
HAProxy -> three ``casegraph serve`` -> PostgreSQL primary and streaming standby) and sends
the same case overview corpus, with wrk, to: one Case Graph process directly; HAProxy with
one process in rotation; and the gateway with one, two and three processes in rotation
(the others in maintenance, so nothing restarts between measurements). The targets are
measured in interleaved rounds, so a shared machine's drift lands on all of them alike;
each figure is the median over the rounds. The first three also run at one connection
in each round: the latency each hop adds to a single request. CPU per request comes from
/proc for every process tree (Case Graph, gateway, HAProxy, PostgreSQL). Rewrites only its
own section.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench import corpus
from bench.cpu import CpuMeter, CpuUse, postmaster_pid
from bench.load import LoadResult, run_wrk, write_corpus, wrk_path
from bench.sections import write_section
from bench.topology_report import HEADING, render
from sandbox.cluster.haproxy import SERVERS
from sandbox.cluster.topology import Topology, TopologyOptions, start_topology

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass(frozen=True, slots=True)
class Target:
    """Where requests go, and how many Case Graph processes are in HAProxy's rotation."""

    name: str
    via: str  # "direct", "haproxy" or "gateway"
    processes: int


TARGETS = (
    Target("direct, 1 process", "direct", 1),
    Target("HAProxy, 1 process", "haproxy", 1),
    Target("gateway, 1 process", "gateway", 1),
    Target("gateway, 2 processes", "gateway", 2),
    Target("gateway, 3 processes", "gateway", 3),
)
LATENCY_TARGETS = TARGETS[:3]


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured window of one target."""

    target: Target
    concurrency: int
    result: LoadResult
    cpu: CpuUse

    def cpu_ms(self, group: str) -> float:
        """CPU milliseconds per request spent by one group of processes."""
        requests = max(self.result.requests, 1)
        return 1000 * self.cpu.seconds.get(group, 0.0) / requests


def url_of(topology: Topology, target: Target) -> str:
    """Where the target listens (wrk takes the path from each request line)."""
    assert topology.haproxy is not None
    if target.via == "direct":
        return topology.replica_url(0)
    if target.via == "haproxy":
        return topology.haproxy.url.removesuffix("/graphql")
    return topology.gateway_url.rstrip("/")


def rotate(topology: Topology, processes: int) -> None:
    """Keep the first ``processes`` Case Graph processes in rotation, the rest in maintenance."""
    assert topology.haproxy is not None
    wanted = {}
    for index, server in enumerate(SERVERS):
        enabled = index < processes
        topology.haproxy.set_enabled(server, enabled)
        wanted[server] = "UP" if enabled else "MAINT"
    topology.haproxy.wait_states(wanted)


def meter(topology: Topology) -> CpuMeter:
    """CPU of every process tree of the topology, by group."""
    assert topology.haproxy is not None
    assert topology.gateway is not None
    assert topology.standby is not None
    roots = {f"casegraph{i}": c.process.pid for i, c in enumerate(topology.replicas) if c.process}
    roots |= {
        "gateway": _pid(topology.gateway.process),
        "haproxy": _pid(topology.haproxy.process),
        "primary": postmaster_pid(topology.primary.data_dir),
        "standby": postmaster_pid(topology.standby.data_dir),
    }
    return CpuMeter(roots)


def _pid(process: object) -> int:
    pid = getattr(process, "pid", None)
    assert isinstance(pid, int)
    return pid


def measure(
    topology: Topology,
    target: Target,
    corpus_file: Path,
    args: argparse.Namespace,
    connections: int,
) -> Sample:
    """Warm up, then one measured wrk window with CPU metered."""
    rotate(topology, target.processes)
    token = f"Bearer {topology.token()}"
    url = url_of(topology, target)
    run_wrk(url, corpus_file, seconds=args.warmup, concurrency=connections, authorization=token)
    cpu_meter = meter(topology)
    cpu_meter.start()
    result = run_wrk(
        url, corpus_file, seconds=args.duration, concurrency=connections, authorization=token
    )
    cpu = _grouped(cpu_meter.stop())
    sample = Sample(target, connections, result, cpu)
    print(
        f"{target.name:22} c={connections:<3} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms"
        f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}  CPU ms/req: Case Graph "
        f"{sample.cpu_ms('casegraph'):.2f} gateway {sample.cpu_ms('gateway'):.2f} "
        f"HAProxy {sample.cpu_ms('haproxy'):.2f} PostgreSQL {sample.cpu_ms('postgresql'):.2f}"
        f"  busy {cpu.busy:.0%}",
        flush=True,
    )
    return sample


def _grouped(use: CpuUse) -> CpuUse:
    seconds = {
        "casegraph": sum(v for k, v in use.seconds.items() if k.startswith("casegraph")),
        "postgresql": use.seconds.get("primary", 0.0) + use.seconds.get("standby", 0.0),
        "gateway": use.seconds.get("gateway", 0.0),
        "haproxy": use.seconds.get("haproxy", 0.0),
    }
    return CpuUse(seconds, use.busy)


def median_sample(samples: Sequence[Sample]) -> Sample:
    """The round whose throughput is the median (its other figures come with it)."""
    ordered = sorted(samples, key=lambda s: s.result.rps)
    return ordered[(len(ordered) - 1) // 2]


async def _server_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SHOW server_version")).split(" ")[0]
    finally:
        await connection.close()


def bench(args: argparse.Namespace, topology: Topology) -> tuple[list[Sample], list[Sample]]:
    """Interleaved rounds: every target under load, the first three also at one connection."""
    people = asyncio.run(corpus.pick_cases(topology.primary.dsn))
    overview = corpus.casegraph_requests(people)["overview"]
    corpus_file = write_corpus(overview, topology.folder / "overview.txt")
    passes = [(t, args.concurrency) for t in TARGETS] + [(t, 1) for t in LATENCY_TARGETS]
    rounds: dict[tuple[str, int], list[Sample]] = {(t.name, c): [] for t, c in passes}
    for number in range(args.rounds):
        print(f"-- round {number + 1} of {args.rounds}", flush=True)
        for target, connections in passes:
            sample = measure(topology, target, corpus_file, args, connections)
            rounds[target.name, connections].append(sample)
    loaded = [median_sample(rounds[t.name, args.concurrency]) for t in TARGETS]
    single = [median_sample(rounds[t.name, 1]) for t in LATENCY_TARGETS]
    return loaded, single


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each one")
    parser.add_argument("--concurrency", type=int, default=20, help="open connections")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.topology``."""
    args = parse(argv)
    wrk_path()
    load_before = os.getloadavg()[0]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the topology
    started = time.perf_counter()
    print(f"starting the topology with {args.offenders:,} offenders ...", flush=True)
    options = TopologyOptions(offenders=args.offenders, seed=args.seed)
    with start_topology(options) as topology:
        version = asyncio.run(_server_version(topology.primary.dsn))
        loaded, single = bench(args, topology)
    command = "python -m bench.topology " + " ".join(sys.argv[1:] if argv is None else argv)
    section = render(
        command=command.strip(),
        args=args,
        server_version=version,
        load_before=load_before,
        elapsed=time.perf_counter() - started,
        loaded=loaded,
        single=single,
    )
    write_section(args.results, section, HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

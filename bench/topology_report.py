"""The "Through the gateway" section of bench/RESULTS.md, from ``bench.topology``'s samples."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bench.cluster import Prepared
from bench.report import machine

if TYPE_CHECKING:
    from bench.topology import Sample

HEADING = "## Through the gateway and the load balancer"


def _row(sample: Sample, *, with_cpu: bool) -> str:
    result = sample.result
    cells = [
        sample.target.name,
        f"{result.rps:,.0f}",
        f"{result.p50_ms:.1f}",
        f"{result.p99_ms:.1f}",
        str(result.errors),
    ]
    if with_cpu:
        cells += [f"{sample.cpu_ms(g):.2f}" for g in ("casegraph", "gateway", "haproxy")]
        cells += [f"{sample.cpu_ms('postgresql'):.2f}", f"{sample.cpu.busy:.0%}"]
    return "| " + " | ".join(cells) + " |"


def _hop(milliseconds: float) -> str:
    if milliseconds < 0:
        return f"{milliseconds:.1f} ms (less than this machine's noise)"
    return f"{milliseconds:.1f} ms"


def _by_name(samples: Sequence[Sample]) -> dict[str, Sample]:
    return {s.target.name: s for s in samples}


def render(
    *,
    command: str,
    args: argparse.Namespace,
    server_version: str,
    load_before: float,
    elapsed: float,
    loaded: Sequence[Sample],
    single: Sequence[Sample],
) -> str:
    """The whole section, figures and the sentences derived from them."""
    prepared = Prepared(args.offenders, 0, 0.0, 0.0, 0.0, server_version)
    under = _by_name(loaded)
    alone = _by_name(single)
    direct, via_lb = under["direct, 1 process"], under["HAProxy, 1 process"]
    gateway = [under[f"gateway, {n} process{'es' if n > 1 else ''}"] for n in (1, 2, 3)]
    hop_lb = alone["HAProxy, 1 process"].result.p50_ms - alone["direct, 1 process"].result.p50_ms
    hop_gw = alone["gateway, 1 process"].result.p50_ms - alone["HAProxy, 1 process"].result.p50_ms
    lines = [
        HEADING,
        "",
        f"`{command}`: {args.offenders:,} offenders, the case overview corpus (DB-only fields, "
        f"the same document on every target). {machine(prepared, 'node')}; 1-minute load "
        f"average {load_before:.1f} before the run (the machine is shared). Every process of "
        f"the topology (three Case Graph processes, the gateway, HAProxy, the primary, the "
        f"standby and wrk) shares these {os.cpu_count()} CPUs.",
        "",
        f"Under load: wrk, {args.concurrency} keep-alive connections, {args.warmup:g} s warm-up "
        f"then {args.duration:g} s measured; the five targets in {args.rounds} interleaved "
        f"rounds, each figure the round with the median req/s. CPU ms/req: user and system "
        f"CPU of each group's process trees over the window, per request. Processes not in "
        f"rotation are in HAProxy maintenance.",
        "",
        "| target | req/s | p50 ms | p99 ms | errors | Case Graph CPU ms/req | gateway CPU ms/req "
        "| HAProxy CPU ms/req | PostgreSQL CPU ms/req | machine busy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_row(s, with_cpu=True) for s in loaded),
        "",
        f"One request at a time (one connection, {args.duration:g} s each, in the same "
        f"rounds, the median round):",
        "",
        "| target | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(_row(s, with_cpu=False) for s in single),
        "",
        f"- What the gateway adds per request: {_hop(hop_gw)} at p50 on one connection "
        f"(gateway against HAProxy, one process each) and "
        f"{gateway[0].cpu_ms('gateway'):.2f} ms of its own CPU per request under load. "
        f"HAProxy adds {_hop(hop_lb)} at p50 and {via_lb.cpu_ms('haproxy'):.2f} ms of CPU.",
        f"- Under load the gateway with one process serves "
        f"{gateway[0].result.rps / direct.result.rps:.0%} of direct access's req/s "
        f"({gateway[0].result.rps:,.0f} against "
        f"{direct.result.rps:,.0f}); p99 {gateway[0].result.p99_ms:.0f} ms against "
        f"{direct.result.p99_ms:.0f} ms.",
        f"- Two processes behind the gateway: x{gateway[1].result.rps / gateway[0].result.rps:.2f}"
        f" of one; three: x{gateway[2].result.rps / gateway[0].result.rps:.2f}. On "
        f"{os.cpu_count()} shared CPUs more processes add no CPU, so these ratios show what "
        f"more processes cost here, not how they scale on separate machines.",
        f"- Total run {elapsed:.0f} s.",
        "",
    ]
    return "\n".join(lines)

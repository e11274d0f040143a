"""What metrics and tracing cost: req/s with both off, with metrics, and with tracing too.

``python -m bench.observability [--offenders 5000] [--rounds 12] [--seconds 5]`` seeds a
throwaway nDelius, starts the OASys and CRC stand-ins and three one-worker servers of this
code side by side, and drives each with wrk in turn, interleaved (the order rotates every
round), so the machine's drift touches every side alike:

- ``off``: ``CASEGRAPH_METRICS_ENABLED=false`` and no trace exporter;
- ``metrics``: Prometheus metrics recorded (the default), tracing off;
- ``metrics+tracing``: metrics, and spans exported over OTLP/HTTP to a local receiver
  (``bench/otlp_sink.py``) with 10% of traces sampled.

Two queries: the overview with nDelius fields only, and with OASys and partner fields.
Afterwards ``bench/span_cost.py`` measures what one span costs, to say where tracing's
overhead goes. Writes the "Observability overhead" section of bench/RESULTS.md and its figures into
bench/figures.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from api.tokens import SigningKey, save_key
from bench import figures
from bench.cpu import CpuMeter
from bench.fanout import DELIUS_ONLY, WITH_PARTNERS, seed_partner_cases
from bench.load import Request, run_wrk, write_corpus
from bench.sections import write_section
from bench.servers import RunningServer, ServerSpec, casegraph
from bench.span_cost import span_costs
from bench.standins import start_standins
from resolvers.viewer import Role
from sandbox.postgres import TemporaryPostgres, free_port

HEADING = "## Observability overhead"
RESULTS = Path(__file__).with_name("RESULTS.md")
SAMPLED = "0.1"
SIDES = ("off", "metrics", "metrics+tracing")
QUERIES = {"overview, nDelius only": DELIUS_ONLY, "overview with OASys and CRC": WITH_PARTNERS}
WARM_UP_SECONDS = 3.0
TARGET = 0.05
"""The most observability may cost (issue 16): 5% of req/s."""

Found = dict[str, dict[str, list[float]]]
"""req/s by query label, then by side: one figure per round."""


def specs(base: ServerSpec, backends: dict[str, str], sink: str) -> dict[str, ServerSpec]:
    """The three servers: this code, the same backends and worker count, only the
    observability settings differ."""
    # The case-event capture polls nDelius several times a second: a cost of its own, not
    # of observability, so no side runs it.
    env = {**base.env, **backends, "CASEGRAPH_EVENTS_CAPTURE": "false"}
    untraced = {"CASEGRAPH_OTEL_EXPORTER": "none"}
    traced = {
        "CASEGRAPH_OTEL_EXPORTER": "otlp",
        "CASEGRAPH_OTEL_SAMPLE_RATIO": SAMPLED,
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink,
    }
    return {
        "off": dataclasses.replace(
            base, name="off", env={**env, **untraced, "CASEGRAPH_METRICS_ENABLED": "false"}
        ),
        "metrics": dataclasses.replace(base, name="metrics", env={**env, **untraced}),
        "metrics+tracing": dataclasses.replace(base, name="traced", env={**env, **traced}),
    }


@dataclasses.dataclass(frozen=True)
class Load:
    """What each measurement sends, and for how long."""

    crns: Sequence[str]
    work: Path
    rounds: int
    seconds: float
    concurrency: int
    authorization: str


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one whole run measured."""

    rps: Found
    cpu: Found
    cases: int
    traced_requests: int
    spans: int
    batches: int
    span_costs: dict[str, float]


async def run(offenders: int, rounds: int, seconds: float, concurrency: int) -> Outcome:
    """Seed, start everything, measure interleaved."""
    with TemporaryPostgres("observability") as database, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        crns = await seed_partner_cases(database.dsn, offenders)
        key = SigningKey.generate()
        token = key.mint(
            issuer="casegraph-local",
            audience="casegraph",
            client_id="bench",
            roles=(Role.READ_CASES,),
        )
        standins = await start_standins(database.dsn)
        backends = {
            "CASEGRAPH_OASYS_URL": standins.oasys_url,
            "CASEGRAPH_OASYS_CACHE_SECONDS": "0",
            "CASEGRAPH_CRC_REGISTRY": json.dumps(standins.registry),
        }
        base = casegraph(database.dsn, save_key(key, work / "keys"), workers=1)
        load = Load(crns, work, rounds, seconds, concurrency, f"Bearer {token}")
        try:
            rps, cpu, traced, received = await asyncio.to_thread(compare, load, base, backends)
        finally:
            await standins.stop()
    costs = span_costs()  # the load is over: the machine is as quiet as it was for the runs
    return Outcome(rps, cpu, len(crns), traced, received["spans"], received["batches"], costs)


def compare(
    load: Load, base: ServerSpec, backends: dict[str, str]
) -> tuple[Found, Found, int, dict[str, int]]:
    """Start the OTLP receiver and the three servers; measure; stop them all. Returns the
    req/s, CPU per request, the requests the traced server answered and what the receiver
    got."""
    sink_port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "bench.otlp_sink", "--port", str(sink_port)])
    sink_url = f"http://127.0.0.1:{sink_port}"
    chosen = specs(base, backends, sink_url)
    servers = {side: RunningServer(spec, load.work) for side, spec in chosen.items()}
    try:
        for server in servers.values():
            server.wait_ready()
        rps, cpu, traced_requests = measure(servers, load)
        servers["metrics+tracing"].stop()  # flushes the spans it still holds
        received: dict[str, int] = httpx.get(f"{sink_url}/spans", timeout=5).json()
    finally:
        for server in servers.values():
            server.stop()
        sink.terminate()
        sink.wait(15)
    return rps, cpu, traced_requests, received


def measure(servers: dict[str, RunningServer], load: Load) -> tuple[Found, Found, int]:
    """req/s and server CPU ms per request, per query and side, one wrk run each per round,
    the side order rotating; and how many requests the traced server answered."""
    rps: Found = {q: {s: [] for s in SIDES} for q in QUERIES}
    cpu: Found = {q: {s: [] for s in SIDES} for q in QUERIES}
    traced = 0
    for label, document in QUERIES.items():
        corpus = [
            Request("/graphql", {"query": document, "variables": {"crn": crn}}) for crn in load.crns
        ]
        path = write_corpus(corpus, load.work / "corpus.txt")
        for side in SIDES:  # warm every server (plans, pools, connections) first
            requests = _run(servers[side], path, WARM_UP_SECONDS, load)[0]
            traced += requests if side == "metrics+tracing" else 0
        for round_number in range(load.rounds):
            shift = round_number % len(SIDES)
            for side in SIDES[shift:] + SIDES[:shift]:
                time.sleep(0.3)
                requests, per_second, cpu_ms = _run(servers[side], path, load.seconds, load)
                rps[label][side].append(per_second)
                cpu[label][side].append(cpu_ms)
                traced += requests if side == "metrics+tracing" else 0
                print(
                    f"{label} round {round_number + 1} {side}: {per_second:.0f} req/s, "
                    f"{cpu_ms:.2f} CPU ms a request",
                    flush=True,
                )
    return rps, cpu, traced


def _run(
    server: RunningServer, corpus: Path, seconds: float, load: Load
) -> tuple[int, float, float]:
    """One wrk run: requests answered, req/s, and the server's CPU ms per request."""
    meter = CpuMeter({"server": server.pid})
    meter.start()
    result = run_wrk(
        server.url,
        corpus,
        seconds=seconds,
        concurrency=load.concurrency,
        authorization=load.authorization,
    )
    spent = meter.stop().seconds["server"]
    if result.errors:
        raise RuntimeError(f"{server.spec.name} answered {result.errors} errors under load")
    return result.requests, result.rps, 1000 * spent / max(result.requests, 1)


def overheads(rps: dict[str, list[float]]) -> dict[str, float]:
    """Each observed side's drop in req/s from ``off`` (0.03 is 3% slower): the median,
    over the rounds, of the drop from the same round's ``off``, so the machine's drift
    between rounds cancels out."""
    return {
        side: statistics.median(
            1 - mine / off for mine, off in zip(rps[side], rps["off"], strict=True)
        )
        for side in SIDES[1:]
    }


def cpu_increases(cpu: dict[str, list[float]]) -> dict[str, float]:
    """Each observed side's rise in median server CPU per request over ``off``'s."""
    off = statistics.median(cpu["off"])
    return {side: statistics.median(cpu[side]) / off - 1 for side in SIDES[1:]}


def render(outcome: Outcome, args: argparse.Namespace) -> str:
    """The markdown section."""
    lines = [
        HEADING,
        "",
        f"`python -m bench.observability --offenders {args.offenders} --rounds {args.rounds} "
        f"--seconds {args.seconds:g}`: three `casegraph serve --workers 1` of this code side "
        f"by side over one database of {args.offenders:,} offenders, with OASys and the CRCs "
        "(stand-ins, no added latency, OASys answers not cached) behind them; wrk with "
        f"{args.concurrency} connections over {outcome.cases} CRC-held cases, "
        f"{args.seconds:g} s per run, {args.rounds} rounds interleaved (the order rotating), "
        f"after {WARM_UP_SECONDS:g} s of warm-up each. The sides differ only in their "
        "settings: `off` has `CASEGRAPH_METRICS_ENABLED=false` and no trace exporter; "
        "`metrics` records every Prometheus metric (the default) with tracing off; "
        "`metrics+tracing` records them too and exports spans over OTLP/HTTP to a local "
        f"receiver (`bench/otlp_sink.py`) with {float(SAMPLED):.0%} of traces sampled. The "
        "case-event capture is off on every side.",
        "",
        "Median req/s of the rounds (every round in brackets). An overhead is the median, "
        "over the rounds, of a side's drop from the same round's `off`, so drift between "
        "rounds cancels out; the target is under "
        f"{TARGET:.0%} for both.",
        "",
        "| query | off | metrics | metrics+tracing | metrics overhead | both overhead | "
        f"under {TARGET:.0%} |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, sides in outcome.rps.items():
        drops = overheads(sides)
        met = "yes" if all(drop < TARGET for drop in drops.values()) else "no"
        cells = [_median_and_rounds(sides[side], "{:.0f}") for side in SIDES]
        lines.append(
            f"| {label} | {' | '.join(cells)} | "
            + " | ".join(f"{drop:.1%}" for drop in drops.values())
            + f" | {met} |"
        )
    lines += [
        "",
        "The server's own CPU per request over the same runs (user plus system time of its "
        "process, from /proc), a second view of the cost that queueing does not blur:",
        "",
        "| query | off | metrics | metrics+tracing | metrics extra | both extra |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, sides in outcome.cpu.items():
        cells = [_median_and_rounds(sides[side], "{:.2f}") + " ms" for side in SIDES]
        extras = " | ".join(f"{rise:+.1%}" for rise in cpu_increases(sides).values())
        lines.append(f"| {label} | {' | '.join(cells)} | {extras} |")
    share = outcome.spans / outcome.traced_requests if outcome.traced_requests else 0.0
    lines += [
        "",
        f"The receiver got {outcome.spans:,} spans in {outcome.batches:,} batches from the "
        f"traced server, which answered {outcome.traced_requests:,} requests ({share:.2f} "
        "spans a request: about a tenth of the requests were traced, each with its request, "
        "loader, SQL and backend-call spans), so its exporter was really at work. The "
        "machine is shared: one run of a side can differ from the next by far more than "
        "the overheads measured, which is why the overheads are taken round by round. "
        f"Load average before the run {args.load_before}, after it {_load_average()}.",
        "",
        *_where_tracing_goes(outcome, share),
    ]
    return "\n".join(lines)


def _where_tracing_goes(outcome: Outcome, spans_a_request: float) -> list[str]:
    """The tracing cost explained from the cost of one span, measured in-process."""
    costs = outcome.span_costs
    per_span = sum(costs.values())
    label, cpu = next(iter(outcome.cpu.items()))
    off = statistics.median(cpu["off"])
    rises = cpu_increases(cpu)
    measured = rises["metrics+tracing"] - rises["metrics"]
    estimate = spans_a_request * per_span / 1000 / off
    return [
        "Where the tracing cost goes, measured in this process after the runs "
        "(`bench/span_cost.py`, a SQL statement's span with its seven attributes): the SDK "
        f"takes {costs['record']:.0f} µs to start and end a span, scrubbing it takes "
        f"{costs['scrub']:.0f} µs and the OTLP encoder {costs['encode']:.0f} µs, "
        f"{per_span:.0f} µs in all. At {spans_a_request:.2f} spans a request that is "
        f"{spans_a_request * per_span:.0f} µs a request, {estimate:.1%} of `off`'s "
        f'{off:.2f} CPU ms for "{label}", where tracing added {measured:.1%} to the CPU '
        "per request over `metrics`; the rest is the instrumentations' work around each "
        "recorded span (collecting attributes, switching contexts) and every request's "
        "sampling decision.",
        "",
    ]


def _median_and_rounds(values: list[float], form: str) -> str:
    rounds = ", ".join(form.format(value) for value in values)
    return f"{form.format(statistics.median(values))} ({rounds})"


def _load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def options() -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--offenders", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=10)
    return parser.parse_args()


def main() -> None:
    """Measure, then rewrite this benchmark's section of RESULTS.md and its figures."""
    args = options()
    args.load_before = _load_average()
    outcome = asyncio.run(run(args.offenders, args.rounds, args.seconds, args.concurrency))
    section = render(outcome, args)
    write_section(RESULTS, section, HEADING)
    figures.record(
        "observability",
        {
            "sample_ratio": float(SAMPLED),
            "rps": outcome.rps,
            "overhead": {label: overheads(sides) for label, sides in outcome.rps.items()},
            "cpu_ms_per_request": outcome.cpu,
            "spans": outcome.spans,
            "traced_requests": outcome.traced_requests,
            "span_cost_us": outcome.span_costs,
        },
    )
    print(section)


if __name__ == "__main__":
    main()

"""What metrics and tracing cost: req/s before them, with metrics, and with tracing too.

``python -m bench.observability [--offenders 5000] [--rounds 3] [--seconds 8]`` seeds a
throwaway nDelius, starts the OASys and CRC stand-ins and three one-worker servers side by
side, and drives each with wrk in turn, interleaved (the order rotates every round), so
the machine's drift touches every side alike:

- ``before``: the code of ``--baseline`` (the last commit without metrics or tracing),
  unpacked with ``git archive`` into a temporary folder;
- ``metrics``: this code with tracing off (Prometheus metrics are always recorded);
- ``metrics+tracing``: this code exporting over OTLP/HTTP to a local receiver
  (``bench/otlp_sink.py``) with 10% of traces sampled.

Two queries: the overview with nDelius fields only, and with OASys and partner fields.
Writes the "Observability overhead" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from api.tokens import SigningKey, save_key
from bench.fanout import DELIUS_ONLY, WITH_PARTNERS, seed_partner_cases
from bench.load import Request, run_wrk, write_corpus
from bench.sections import write_section
from bench.servers import REPO, RunningServer, ServerSpec, casegraph
from bench.standins import start_standins
from resolvers.viewer import Role
from sandbox.postgres import TemporaryPostgres, free_port

HEADING = "## Observability overhead"
RESULTS = Path(__file__).with_name("RESULTS.md")
BASELINE = "4babae2"
SAMPLED = "0.1"
SIDES = ("before", "metrics", "metrics+tracing")
QUERIES = {"overview, nDelius only": DELIUS_ONLY, "overview with OASys and CRC": WITH_PARTNERS}


def unpack(ref: str, folder: Path) -> Path:
    """The tree of ``ref`` written into ``folder`` (no checkout, no change to the repository)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def specs(
    base: ServerSpec, backends: dict[str, str], sink: str, before: Path
) -> dict[str, ServerSpec]:
    """The three servers: the same settings, backends and worker count."""
    env = {**base.env, **backends}
    # The case-event capture polls nDelius several times a second: a cost of its own, not
    # of observability, so this code's two servers run without it (the old code has none).
    now = {**env, "CASEGRAPH_EVENTS_CAPTURE": "false"}
    command = (sys.executable, "-m", "api.cli", *base.command[1:])
    traced = {
        "CASEGRAPH_OTEL_EXPORTER": "otlp",
        "CASEGRAPH_OTEL_SAMPLE_RATIO": SAMPLED,
        "OTEL_EXPORTER_OTLP_ENDPOINT": sink,
    }
    return {
        "before": dataclasses.replace(base, name="before", env=env, command=command, cwd=before),
        "metrics": dataclasses.replace(base, name="metrics", env=now),
        "metrics+tracing": dataclasses.replace(base, name="traced", env={**now, **traced}),
    }


async def run(offenders: int, rounds: int, seconds: float, concurrency: int, ref: str) -> str:
    """Seed, start everything, measure interleaved; return the results section."""
    with TemporaryPostgres("observability") as database, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dsn = database.dsn
        crns = await seed_partner_cases(dsn, offenders)
        key = SigningKey.generate()
        token = key.mint(
            issuer="casegraph-local",
            audience="casegraph",
            client_id="bench",
            roles=(Role.READ_CASES,),
        )
        standins = await start_standins(dsn)
        backends = {
            "CASEGRAPH_OASYS_URL": standins.oasys_url,
            "CASEGRAPH_OASYS_CACHE_SECONDS": "0",
            "CASEGRAPH_CRC_REGISTRY": json.dumps(standins.registry),
        }
        base = casegraph(dsn, save_key(key, work / "keys"), workers=1)
        try:
            rps, spans = await asyncio.to_thread(
                compare,
                Load(crns, work, rounds, seconds, concurrency, f"Bearer {token}"),
                base,
                backends,
                unpack(ref, work / "before"),
            )
        finally:
            await standins.stop()
    return render(rps, spans, offenders, rounds, seconds, concurrency, ref, len(crns))


@dataclasses.dataclass(frozen=True)
class Load:
    """What each measurement sends, and for how long."""

    crns: Sequence[str]
    work: Path
    rounds: int
    seconds: float
    concurrency: int
    authorization: str


def compare(
    load: Load, base: ServerSpec, backends: dict[str, str], before: Path
) -> tuple[dict[str, dict[str, list[float]]], dict[str, int]]:
    """Start the OTLP receiver and the three servers; measure; stop them all."""
    sink_port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "bench.otlp_sink", "--port", str(sink_port)])
    chosen = specs(base, backends, f"http://127.0.0.1:{sink_port}", before)
    servers = {side: RunningServer(spec, load.work) for side, spec in chosen.items()}
    try:
        for server in servers.values():
            server.wait_ready()
        rps = measure(servers, load)
        spans: dict[str, int] = httpx.get(f"http://127.0.0.1:{sink_port}/spans", timeout=5).json()
    finally:
        for server in servers.values():
            server.stop()
        sink.terminate()
        sink.wait(15)
    return rps, spans


def measure(servers: dict[str, RunningServer], load: Load) -> dict[str, dict[str, list[float]]]:
    """req/s per query and side, one wrk run each per round, the side order rotating."""
    found: dict[str, dict[str, list[float]]] = {q: {s: [] for s in SIDES} for q in QUERIES}
    for label, document in QUERIES.items():
        corpus = [
            Request("/graphql", {"query": document, "variables": {"crn": crn}}) for crn in load.crns
        ]
        path = write_corpus(corpus, load.work / "corpus.txt")
        for side in SIDES:  # warm every server (plans, pools, connections) first
            _rps(servers[side], path, 2, load)
        for round_number in range(load.rounds):
            order = SIDES[round_number % 3 :] + SIDES[: round_number % 3]
            for side in order:
                time.sleep(0.5)
                found[label][side].append(_rps(servers[side], path, load.seconds, load))
    return found


def _rps(server: RunningServer, corpus: Path, seconds: float, load: Load) -> float:
    result = run_wrk(
        server.url,
        corpus,
        seconds=seconds,
        concurrency=load.concurrency,
        authorization=load.authorization,
    )
    if result.errors:
        raise RuntimeError(f"{server.spec.name} answered {result.errors} errors under load")
    return result.rps


def render(
    rps: dict[str, dict[str, list[float]]],
    spans: dict[str, int],
    offenders: int,
    rounds: int,
    seconds: float,
    concurrency: int,
    ref: str,
    cases: int,
) -> str:
    """The markdown section."""
    lines = [
        HEADING,
        "",
        f"`python -m bench.observability --offenders {offenders} --rounds {rounds} "
        f"--seconds {seconds:g}`: three `casegraph serve --workers 1` side by side over one "
        f"database of {offenders:,} offenders, with OASys and the CRCs (stand-ins, no added "
        f"latency, OASys answers not cached) behind them; wrk with {concurrency} connections "
        f"over {cases} CRC-held cases, {seconds:g} s per run, {rounds} rounds interleaved "
        "(the order rotating), after 2 s of warm-up each. `before` is the code of "
        f"`{ref}` (no metrics, no tracing); `metrics` is this code with tracing and the "
        "case-event capture off; "
        f"`metrics+tracing` exports spans over OTLP/HTTP to a local receiver with "
        f"{float(SAMPLED):.0%} of traces sampled. Median req/s of the rounds (all rounds in "
        "brackets); overhead is the drop from `before`.",
        "",
        "| query | before | metrics | metrics+tracing | metrics overhead | both overhead |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, sides in rps.items():
        median = {side: statistics.median(values) for side, values in sides.items()}
        cells = [f"{median[s]:.0f} ({', '.join(f'{v:.0f}' for v in sides[s])})" for s in SIDES]
        before = median["before"]
        drops = [f"{1 - median[side] / before:.1%}" for side in SIDES[1:]]
        lines.append(f"| {label} | {' | '.join(cells)} | {' | '.join(drops)} |")
    lines += [
        "",
        f"The receiver got {spans['spans']:,} spans in {spans['batches']:,} batches from the "
        "traced server, so its exporter was really at work. A negative overhead is noise: "
        "the sides differ by less than the machine's drift between runs.",
        "",
    ]
    return "\n".join(lines)


def options() -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--offenders", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--baseline", default=BASELINE, help="git ref without metrics/tracing")
    return parser.parse_args()


def main() -> None:
    """Measure, then rewrite this benchmark's section of RESULTS.md."""
    args = options()
    section = asyncio.run(
        run(args.offenders, args.rounds, args.seconds, args.concurrency, args.baseline)
    )
    write_section(RESULTS, section, HEADING)
    print(section)


if __name__ == "__main__":
    main()

"""The "Case Graph vs alternatives" section of bench/RESULTS.md, and its replacement there."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.cluster import Prepared
from bench.cpu import CpuUse
from bench.load import LoadResult
from bench.seed_bench import cpu_model

HEADING = "## Case Graph vs alternatives"
RATIO_TARGETS = (("postgraphile", "PostGraphile"), ("casegraph-1w-naive", "naive"),
                 ("floor-rows", "rows floor"), ("floor", "JSON floor"),
                 ("floor-audited", "audited floor"))  # fmt: skip
"""The targets each Case Graph run is compared with, and their labels."""
_MULTI_FLOOR = re.compile(r"floor-(\d+)w")
"""The JSON floor on several workers (``floor-2w``)."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """One (target, query) run."""

    target: str
    query: str
    result: LoadResult
    statements_per_request: float
    db_ms_per_request: float
    cpu: CpuUse | None = None
    """CPU spent by the server's and the database's processes over the measured window."""

    def cpu_ms(self, group: str) -> float:
        """CPU milliseconds per request spent by one group (``server``, ``database``)."""
        if self.cpu is None or not self.result.requests:
            return 0.0
        return 1000 * self.cpu.seconds.get(group, 0.0) / self.result.requests


@dataclass(frozen=True, slots=True)
class Footprint:
    """A target's processes and their peak memory over its whole run."""

    target: str
    processes: int
    peak_rss_mb: float


def _version(command: list[str]) -> str:
    if shutil.which(command[0]) is None and not Path(command[0]).exists():
        return "n/a"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "n/a"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "n/a"


def machine(prepared: Prepared, node: str) -> str:
    """One line describing the machine and the software under test."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    wrk = _version(["wrk", "-v"]).split(" [")[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu_model()}), {memory:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"PostgreSQL {prepared.server_version}, Node {_version([node, '--version'])}, {wrk}"
    )


def render(
    *,
    command: str,
    prepared: Prepared,
    machine_line: str,
    settings: str,
    measurements: Sequence[Measurement],
    footprints: Sequence[Footprint],
    notes: Sequence[str],
) -> str:
    """The markdown section for one run."""
    lines = [
        HEADING, "",
        f"`{command}`", "",
        f"- Machine: {machine_line}.",
        f"- Data: {prepared.offenders:,} offenders ({prepared.total_rows:,} rows), seeded in "
        f"{prepared.seed_seconds:.0f} s; migrations and the search copy in "
        f"{prepared.migrate_seconds:.1f} s.",
        f"- Load: {settings}",
        "- Targets: `casegraph-Nw` is `casegraph serve --workers N` (the case-event capture off, "
        "as no other target captures changes); `-naive` is the same "
        "with CASEGRAPH_LOADER_BATCHING=false; `postgraphile` is PostGraphile v5 (one Node "
        "process); `floor-rows` is bench/floor_rows.py (raw asyncpg: one statement per relation, "
        "the answer written in Python, one uvicorn worker); `floor` is bench/floor.py (one "
        "statement per request, JSON built by PostgreSQL, one uvicorn worker); "
        "`floor-Nw` is the JSON floor on N workers; "
        "`floor-audited` is the JSON floor plus the two statements "
        "Case Graph may not skip (the limited-access check before the read, the audit rows "
        "before the answer). See bench/README.md for what each one answers.",
        "",
        "| query | target | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/req | DB ms/req "
        "| server CPU ms/req | PostgreSQL CPU ms/req | machine busy |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for m in measurements:
        r = m.result
        lines.append(
            f"| {m.query} | {m.target} | {r.rps:,.1f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.errors} | {m.statements_per_request:.1f} | "
            f"{m.db_ms_per_request:.1f} | {m.cpu_ms('server'):.2f} | "
            f"{m.cpu_ms('database'):.2f} | {m.cpu.busy if m.cpu else 0:.0%} |"
        )
    lines += ["", *ratio_table(measurements), "", "| target | processes | peak RSS (MiB) |",
              "|---|---:|---:|"]  # fmt: skip
    lines += [f"| {f.target} | {f.processes} | {f.peak_rss_mb:,.0f} |" for f in footprints]
    lines += ["", *(f"- {note}" for note in notes), ""]
    return "\n".join(lines)


def ratio_table(measurements: Sequence[Measurement]) -> list[str]:
    """Each Case Graph run's req/s over every other target's, per query."""
    rps = {(m.target, m.query): m.result.rps for m in measurements}
    queries = list(dict.fromkeys(m.query for m in measurements))
    measured = list(dict.fromkeys(m.target for m in measurements))
    ours = [t for t in measured if _compared(t)]
    others = list(RATIO_TARGETS)
    after_floor = [name for name, _ in others].index("floor") + 1
    others[after_floor:after_floor] = [
        (t, f"JSON floor, {found[1]} workers")
        for t in measured
        if (found := _MULTI_FLOOR.fullmatch(t))
    ]
    header = " | ".join(label for _, label in others)
    lines = [
        "Throughput ratios (req/s of a Case Graph run over req/s of the other; above 1 means "
        "Case Graph is faster). A multi-worker row compares servers that may each use the "
        "whole machine; the JSON floor is measured on that many workers too:",
        "",
        f"| query | Case Graph | {header} |",
        "|---|---|" + "---:|" * len(others),
    ]
    for query in queries:
        for target in ours:
            base = rps.get((target, query))
            cells = []
            for other_target, _ in others:
                other = rps.get((other_target, query))
                cells.append(f"{base / other:.2f}" if base and other else "n/a")
            lines.append(f"| {query} | {target} | " + " | ".join(cells) + " |")
    return lines


def _compared(target: str) -> bool:
    """Case Graph as deployed, at each worker count (not the naive baseline)."""
    return target.startswith("casegraph-") and not target.endswith("-naive")

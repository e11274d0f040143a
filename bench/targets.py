"""The "Targets" section of bench/RESULTS.md: each target judged from the figures measured.

    python -m bench.targets

Reads what the other steps of ``python -m bench`` recorded in bench/figures.json and
writes one row per target: what it asks, what was measured, and whether it is met. A
target whose figures are missing says so rather than being judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import figures
from bench.sections import replace_section

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Targets"
OURS = "casegraph-1w"
THEIRS = "postgraphile"
FAIR = (("caseview", "case view, one case"), ("caseview50", "case view, 50 cases"),
        ("overview", "overview (nDelius parts)"), ("cases50", "50-case list"))  # fmt: skip
"""The queries compared with PostGraphile, each as its users would write it."""


@dataclass(frozen=True, slots=True)
class Row:
    """One target: what it asks, what was measured, whether it is met (None: not measured)."""

    target: str
    measured: str
    met: bool | None


Figures = dict[str, Any]


def _by(found: Figures) -> dict[tuple[str, str], dict[str, Any]]:
    measured = found.get("alternatives", {}).get("measurements", [])
    return {(m["target"], m["query"]): m for m in measured}


Pair = dict[str, Any]
"""One measurement of ``bench.run`` as recorded (req/s, CPU, statements ...)."""


def _against_postgraphile(
    found: Figures, goal: str, judge: Callable[[Pair, Pair], tuple[str, bool]]
) -> list[Row]:
    """One row per fair query: ``judge(ours, theirs)`` gives what was measured and whether
    the goal is met."""
    runs = _by(found)
    rows = []
    for query, label in FAIR:
        ours, theirs = runs.get((OURS, query)), runs.get((THEIRS, query))
        target = f"{label}: {goal}"
        if ours is None or theirs is None or not theirs["rps"]:
            rows.append(Row(target, "not measured", None))
            continue
        measured, met = judge(ours, theirs)
        rows.append(Row(target, measured, met))
    return rows


def _throughput(found: Figures) -> list[Row]:
    def judge(ours: Pair, theirs: Pair) -> tuple[str, bool]:
        ratio = ours["rps"] / theirs["rps"]
        return f"{ours['rps']:,.1f} vs {theirs['rps']:,.1f} req/s, {ratio:.2f}x", ratio >= 1.2

    return _against_postgraphile(found, "req/s >= 1.2x PostGraphile's, one worker", judge)


def _cpu(found: Figures) -> list[Row]:
    def judge(ours: Pair, theirs: Pair) -> tuple[str, bool]:
        mine = ours["server_cpu_ms"] + ours["database_cpu_ms"]
        other = theirs["server_cpu_ms"] + theirs["database_cpu_ms"]
        return (
            f"{ours['server_cpu_ms']:.2f} + {ours['database_cpu_ms']:.2f} = {mine:.2f} ms vs "
            f"{theirs['server_cpu_ms']:.2f} + {theirs['database_cpu_ms']:.2f} = {other:.2f} ms",
            mine <= other,
        )

    return _against_postgraphile(
        found, "server + PostgreSQL CPU ms per request <= PostGraphile's", judge
    )


def _statements(found: Figures) -> list[Row]:
    runs = _by(found)
    one, fifty = runs.get((OURS, "caseview")), runs.get((OURS, "caseview50"))
    target = "SQL statements per request constant in the number of cases (case view, 1 and 50)"
    if one is None or fifty is None:
        return [Row(target, "not measured", None)]
    return [
        Row(target, f"{one['statements']:.1f} for one case, {fifty['statements']:.1f} for 50",
            round(one["statements"]) == round(fifty["statements"]))
    ]  # fmt: skip


def _fanout(found: Figures) -> list[Row]:
    fanout = found.get("fanout", {})
    target = "the README's overview, OASys and the CRC at 50 ms each: p50 < 60 ms"
    if "readme_p50_ms" not in fanout:
        return [Row(target, "not measured", None)]
    p50 = fanout["readme_p50_ms"]
    return [Row(target, f"p50 {p50:.1f} ms over {fanout['requests']} requests", p50 < 60)]


def _others(found: Figures) -> list[Row]:
    rows = []
    seeding = found.get("seeding")
    target = "seeding 100,000 offenders under 3 minutes"
    if seeding and seeding["offenders"] == 100_000:
        rows.append(Row(target, f"{seeding['seconds']:.1f} s", seeding["seconds"] < 180))
    else:
        rows.append(Row(target, "not measured", None))
    rss = found.get("alternatives", {}).get("peak_rss_mb", {}).get(OURS)
    target = "one worker's peak RSS under 250 MB under load"
    rows.append(
        Row(target, f"{rss:.0f} MiB", rss < 250) if rss else Row(target, "not measured", None)
    )
    speed = found.get("planned", {}).get("speed_ups", {}).get("cases50")
    target = "planned path >= 3x graphql-core on the 50-case list (in-process)"
    rows.append(
        Row(target, f"{speed:.2f}x", speed >= 3) if speed else Row(target, "not measured", None)
    )
    return rows


JUDGES: tuple[Callable[[Figures], list[Row]], ...] = (
    _throughput,
    _cpu,
    _statements,
    _fanout,
    _others,
)


def render(found: Figures) -> str:
    """The markdown section."""
    rows = [row for judge in JUDGES for row in judge(found)]
    verdict = {True: "yes", False: "no", None: "not measured"}
    lines = [
        HEADING,
        "",
        "`python -m bench.targets`: each target judged by code from the figures the steps "
        "above recorded in bench/figures.json (none typed by hand). Ratios compare targets "
        "within one run of `bench.run`.",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {r.target} | {r.measured} | {verdict[r.met]} |" for r in rows),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Entry point of ``python -m bench.targets``."""
    section = render(figures.load())
    existing = RESULTS.read_text() if RESULTS.exists() else ""
    RESULTS.write_text(replace_section(existing, section, HEADING))
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

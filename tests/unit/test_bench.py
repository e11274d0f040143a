"""The benchmark scripts import cleanly, and each replaces only its own part of RESULTS.md."""

from __future__ import annotations

import importlib
import os
import pkgutil
import time

import pytest

import bench
from bench.cpu import CpuMeter
from bench.load import LoadResult
from bench.report import Measurement, ratio_table
from bench.sections import replace_section


@pytest.mark.parametrize("name", [m.name for m in pkgutil.iter_modules(bench.__path__)])
def test_every_benchmark_module_imports(name: str) -> None:
    assert importlib.import_module(f"bench.{name}")


def test_a_section_is_replaced_in_place_and_others_kept() -> None:
    document = "# Benchmark results\n\n## Seeding\n\nold\n\n## Fan-out\n\nkept\n"
    updated = replace_section(document, "## Seeding\n\nnew\n", "## Seeding")
    assert updated == "# Benchmark results\n\n## Seeding\n\nnew\n\n## Fan-out\n\nkept\n"
    appended = replace_section(updated, "## Planned\n\nfast\n", "## Planned")
    assert appended.endswith("## Fan-out\n\nkept\n\n## Planned\n\nfast\n")
    assert replace_section("", "## X\n", "## X") == "# Benchmark results\n\n## X\n"


def test_ratios_compare_each_case_graph_run_with_every_other_target() -> None:
    measured = {"casegraph-1w": 170.0, "casegraph-1w-naive": 34.0, "casegraph-2w": 225.0,
                "postgraphile": 17.0, "floor": 450.0, "floor-2w": 450.0}  # fmt: skip
    lines = ratio_table(
        [
            Measurement(target, "cases50", LoadResult(int(rps * 10), 10.0, 1, 1, 1, 1, 0), 3, 1)
            for target, rps in measured.items()
        ]
    )
    header = next(line for line in lines if line.startswith("| query"))
    assert header.split(" | ")[2:] == ["PostGraphile", "naive", "rows floor", "JSON floor",
                                       "JSON floor, 2 workers", "audited floor |"]  # fmt: skip
    rows = [line for line in lines if line.startswith("| cases50")]
    assert rows == [
        "| cases50 | casegraph-1w | 10.00 | 5.00 | n/a | 0.38 | 0.38 | n/a |",
        "| cases50 | casegraph-2w | 13.24 | 6.62 | n/a | 0.50 | 0.50 | n/a |",
    ]


def test_the_cpu_meter_sees_the_work_of_a_process_tree() -> None:
    meter = CpuMeter({"self": os.getpid()})
    meter.start()
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    use = meter.stop()
    assert use.seconds["self"] >= 0.1
    assert 0.0 < use.busy <= 1.0

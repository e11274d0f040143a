"""The benchmark scripts import cleanly, and each replaces only its own part of RESULTS.md."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench
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

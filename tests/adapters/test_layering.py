"""Data flows one way: adapters never import the layers above them or strawberry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_ADAPTERS = {"schema", "resolvers", "api", "strawberry", "graphql"}
DRIVERS = {"asyncpg", "zeep", "httpx", "lxml"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("adapters"), ids=lambda p: p.name)
def test_adapters_import_nothing_above_them(path: Path) -> None:
    assert imported_roots(path).isdisjoint(FORBIDDEN_IN_ADAPTERS)


@pytest.mark.parametrize(
    "path", python_files("schema") + python_files("resolvers"), ids=lambda p: p.name
)
def test_schema_and_resolvers_never_touch_a_driver(path: Path) -> None:
    assert imported_roots(path).isdisjoint(DRIVERS)


def test_schema_and_resolvers_reach_adapters_only_through_records_and_ports() -> None:
    allowed = {
        "adapters.records",
        "adapters.queries",
        "adapters.projection",  # what to read, in record terms: no SQL, no driver
        "adapters.ports",
        "adapters.errors",
        "adapters.spans",  # tracing spans every layer may open: no backend behind it
    }
    for path in python_files("schema") + python_files("resolvers"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("adapters"):
                module = node.module or ""
                assert module in allowed or module.endswith((".records", ".port")), (path, module)


@pytest.mark.parametrize("path", python_files("executor"), ids=lambda p: p.name)
def test_the_executor_sits_below_the_http_edge(path: Path) -> None:
    """The planned executor is a peer of schema/: it never reaches up into api/ or sandbox/."""
    assert imported_roots(path).isdisjoint({"api", "sandbox", *DRIVERS})


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("api") if p.name != "cli.py"],
    ids=lambda p: p.name,
)
def test_the_http_edge_never_imports_the_sandbox(path: Path) -> None:
    """Only the command line starts the demo; the served application knows no stand-ins."""
    assert "sandbox" not in imported_roots(path)


@pytest.mark.parametrize(
    "package", ["schema", "resolvers", "adapters", "executor", "api", "sandbox"]
)
def test_no_layer_imports_the_tests_or_benchmarks(package: str) -> None:
    for path in python_files(package):
        assert imported_roots(path).isdisjoint({"tests", "bench"}), path

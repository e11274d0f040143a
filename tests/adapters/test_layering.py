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


def test_schema_resolvers_and_executor_reach_adapters_only_through_records_and_ports() -> None:
    allowed = {
        "adapters.records",
        "adapters.queries",
        "adapters.projection",  # what to read, in record terms: no SQL, no driver
        "adapters.ports",
        "adapters.errors",
        "adapters.spans",  # tracing spans every layer may open: no backend behind it
    }
    for path in python_files("schema") + python_files("resolvers") + python_files("executor"):
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


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_within(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of ``package`` it imports, type-only
    imports (under ``TYPE_CHECKING``) and imports inside functions included."""
    modules = {module_name(path, root): path for path in sorted((root / package).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            found.update(c for c in candidates if c in modules and c != name)
        graph[name] = found
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (its modules in order), or None when there is none."""
    done: set[str] = set()
    trail: list[str] = []

    def visit(name: str) -> list[str] | None:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return None
        trail.append(name)
        for imported in sorted(graph[name]):
            if (cycle := visit(imported)) is not None:
                return cycle
        trail.pop()
        done.add(name)
        return None

    for name in sorted(graph):
        if (cycle := visit(name)) is not None:
            return cycle
    return None


NEW_PACKAGES = ["adapters/delius/projection", "executor"]
"""Packages whose imports run one way: no cycle among their modules, not even type-only."""


@pytest.mark.parametrize("package", NEW_PACKAGES)
def test_imports_run_one_way_within_the_package(package: str) -> None:
    graph = imports_within(package)
    assert len(graph) > 3, graph  # the walk found the package's modules
    assert cycle_in(graph) is None


def test_the_cycle_finder_finds_a_type_only_cycle() -> None:
    """The check above would pass vacuously if the finder missed cycles."""
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_import_walk_sees_type_only_imports(tmp_path: Path) -> None:
    """A cycle closed only under ``TYPE_CHECKING`` still counts."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import B\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n"
    )
    graph = imports_within("pkg", root=tmp_path)
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.a"}
    assert cycle_in(graph) == ["pkg.a", "pkg.b", "pkg.a"]


@pytest.mark.parametrize("path", python_files("adapters/delius/projection"), ids=lambda p: p.name)
def test_the_projection_package_is_reached_only_through_the_adapter(path: Path) -> None:
    """The SQL of projected reads stays inside the delius adapter: no layer above imports it."""
    for package in ["schema", "resolvers", "executor", "api"]:
        for other in python_files(package):
            assert module_name(path) not in other.read_text(), (other, path)

"""The CRC adapter stays below the graph: it imports no schema, resolvers, api or strawberry."""

from __future__ import annotations

import ast
from pathlib import Path

ADAPTER = Path(__file__).resolve().parents[2] / "adapters" / "crc"
FORBIDDEN = {"schema", "resolvers", "api", "strawberry", "sandbox", "graphql"}


def test_adapter_imports_nothing_from_above() -> None:
    modules = sorted(ADAPTER.glob("*.py"))
    assert len(modules) >= 5
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{module.name} imports {name}"

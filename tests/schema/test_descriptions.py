"""Every type, field, argument, enum value and directive the schema introspects is described.

A developer exploring the graph in GraphiQL reads these words first; an undescribed
argument (``case(crn)``) or a description that says the wrong thing misleads them.
"""

from __future__ import annotations

from typing import Any

from graphql import get_introspection_query

from schema import build_schema


async def _introspected() -> dict[str, Any]:
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    result = await build_schema().execute(query)
    assert result.errors is None
    assert result.data is not None
    schema: dict[str, Any] = result.data["__schema"]
    return schema


def _is_graphql_builtin(name: str) -> bool:
    """Introspection's own types and the standard scalars are described by graphql-core."""
    return name.startswith("__")


def _missing(prefix: str, members: list[dict[str, Any]] | None, suffix: str = "") -> list[str]:
    """``prefix + name + suffix`` of every member (field, argument, value) undescribed."""
    return [f"{prefix}{m['name']}{suffix}" for m in members or () if not m["description"]]


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing: list[str] = []
    for kind in schema["types"]:
        name = kind["name"]
        if _is_graphql_builtin(name):
            continue
        if not kind["description"]:
            missing.append(name)
        missing += _missing(f"{name}.", kind["fields"])
        for field in kind["fields"] or ():
            missing += _missing(f"{name}.{field['name']}(", field["args"], ")")
        missing += _missing(f"{name}.", kind["inputFields"])
        missing += _missing(f"{name}.", kind["enumValues"])
    missing += _missing("@", schema["directives"])
    for directive in schema["directives"]:
        missing += _missing(f"@{directive['name']}(", directive["args"], ")")
    return missing


async def test_nothing_in_the_introspected_schema_is_undescribed() -> None:
    assert _undescribed(await _introspected()) == []


async def test_the_root_arguments_named_in_the_issue_say_what_they_take() -> None:
    schema = await _introspected()
    query = next(t for t in schema["types"] if t["name"] == "Query")
    arguments = {
        (field["name"], arg["name"]): arg["description"]
        for field in query["fields"]
        for arg in field["args"]
    }
    assert "X320741" in arguments[("case", "crn")]
    assert "N07A001" in arguments[("staff", "code")]
    assert "criterion" in arguments[("searchCases", "query")]


async def test_an_unallocated_manager_is_described_as_the_placeholder_not_null() -> None:
    schema = await _introspected()
    case = next(t for t in schema["types"] if t["name"] == "Case")
    manager = next(f for f in case["fields"] if f["name"] == "manager")
    assert "null when unallocated" not in manager["description"]
    assert "staff.unallocated" in manager["description"]

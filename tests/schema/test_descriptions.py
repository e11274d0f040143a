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


def _undescribed(schema: dict[str, Any]) -> list[str]:
    missing: list[str] = []
    for kind in schema["types"]:
        name = kind["name"]
        if _is_graphql_builtin(name):
            continue
        if not kind["description"]:
            missing.append(name)
        for field in kind["fields"] or ():
            if not field["description"]:
                missing.append(f"{name}.{field['name']}")
            missing += [
                f"{name}.{field['name']}({arg['name']})"
                for arg in field["args"]
                if not arg["description"]
            ]
        missing += [
            f"{name}.{field['name']}"
            for field in kind["inputFields"] or ()
            if not field["description"]
        ]
        missing += [
            f"{name}.{value['name']}"
            for value in kind["enumValues"] or ()
            if not value["description"]
        ]
    for directive in schema["directives"]:
        if not directive["description"]:
            missing.append(f"@{directive['name']}")
        missing += [
            f"@{directive['name']}({arg['name']})"
            for arg in directive["args"]
            if not arg["description"]
        ]
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

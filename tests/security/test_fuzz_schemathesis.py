"""F1: schemathesis drives every root field of the live schema against a real server.

The server is Case Graph under uvicorn on a free loopback port, in development mode (its
introspection is the exported schema), over the session's seeded nDelius; OASys and the
CRCs are not configured, so their fields must degrade with coded errors. The caller is a
case reader cleared for sensitive notes but not for writes: mutations are fuzzed too, and
must be refused without touching the shared database.

Each response must be no 5xx, conform to the schema, carry ``extensions.code`` on every
error, and hold no stack trace, SQL, path or Python exception name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import response_schema_conformance
from schemathesis.specs.graphql.scalars import CUSTOM_SCALARS

from resolvers.viewer import Role
from schema import build_schema
from tests.conftest import Tokens
from tests.security.fuzz_oracle import judge, scope_of
from tests.security.fuzz_values import (
    date_times,
    dates,
    id_values,
    keys_for,
    names_for,
    representations,
    small_ints,
)

SEED = 20261130
EXAMPLES_PER_FIELD = 20
"""Twelve root fields (federation's `_service` aside): about 240 requests in all."""

REQUEST_TIMEOUT = 30.0


def root_fields() -> list[str]:
    """``Type.field`` for every root field the schema exports, federation's included."""
    types = build_schema().introspect()["__schema"]["types"]
    return [
        f"{kind['name']}.{field['name']}"
        for kind in types
        if kind["name"] in {"Query", "Mutation"}
        for field in kind["fields"]
        if field["name"] != "_service"  # a fixed string: the SDL, no arguments
    ]


@pytest.fixture(scope="module")
async def scalars(sql: Any) -> AsyncIterator[None]:
    """Value strategies for the custom scalars, and real keys for ``ID``.

    Without real keys nearly every ``case`` would be NOT_FOUND and the resolvers behind it
    would never run; with them, the fuzzer reaches events, contacts, registrations.
    """
    scope = await scope_of(sql, "C01")
    keys = keys_for(scope)
    registered = {
        "ID": id_values(keys),
        "_Any": representations(keys),
        "Int": small_ints(),
        "String": names_for(scope),
        "Date": dates(scope.births_theirs),
        "DateTime": date_times(),
    }
    for name, strategy in registered.items():
        schemathesis.graphql.scalar(name, strategy)
    yield
    for name in registered:  # the registry is process-wide
        CUSTOM_SCALARS.pop(name, None)


@pytest.fixture(scope="module")
def reader(tokens: Tokens) -> dict[str, str]:
    """A case reader with sensitive-notes clearance and no write role."""
    return tokens.header(
        roles=(Role.READ_CASES, Role.READ_SENSITIVE), username="fuzz-reader", lifetime=3600
    )


@pytest.fixture(scope="module")
def live_schema(live_url: str, reader: dict[str, str]) -> Any:
    """The schema as the live server's introspection gives it."""
    return schemathesis.graphql.from_url(live_url, headers=reader, timeout=REQUEST_TIMEOUT)


def coded_and_masked(ctx: Any, response: Any, case: Any) -> None:
    """Every error has a code; none shows a stack, SQL, a path or an exception name."""
    verdict = judge(response.status_code, response.text)
    assert not verdict.problems, f"{case.body}\n-> {verdict.problems}"


def test_the_live_schema_is_the_exported_one(live_schema: Any) -> None:
    live = {op.label for op in (r.ok() for r in live_schema.get_all_operations())}
    assert live | {"Query._entities"} == set(root_fields())


@pytest.mark.parametrize("label", root_fields())
def test_fuzzed_operations_fail_only_in_coded_masked_ways(
    label: str, live_schema: Any, live_url: str, reader: dict[str, str], scalars: None
) -> None:
    kind, field = label.split(".")
    operation = live_schema[kind][field]
    statuses: list[int] = []
    with requests.Session() as session:

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            response = case.call(
                base_url=live_url, session=session, headers=reader, timeout=REQUEST_TIMEOUT
            )
            statuses.append(response.status_code)
            case.validate_response(
                response,
                checks=[response_schema_conformance, coded_and_masked],
            )

        fuzz()
    assert statuses, "no request was sent"
    assert max(statuses) < 500

"""F1 with an authorisation oracle: hypothesis-graphql documents, sent by a partner client.

The caller is CRC C01's integration client (ROLE_CASEGRAPH_PARTNER, provider C01). Every
``ID`` argument is drawn from real CRNs (the partner's own, other providers', limited
access), staff and unit codes, unknown and malformed keys; strings include other
providers' surnames, so searches hit foreign cases. The oracle knows, from the legacy
tables, every CRN outside C01's scope: none may appear anywhere in any response (data,
errors, or inside a cursor), in any letter case. Every response must also be no 5xx with
coded, masked errors only.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import graphql
import httpx
import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from resolvers.viewer import Role
from schema import build_schema
from tests.conftest import Tokens
from tests.security.fuzz_oracle import Scope, crns_named, judge, scope_of
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
EXAMPLES = 250
REQUEST_TIMEOUT = 30.0
PROVIDER = "C01"


@pytest.fixture(scope="module")
async def scope(sql: Any) -> Scope:
    """C01's scope and the keys outside it, from the legacy tables."""
    found = await scope_of(sql, PROVIDER)
    assert found.ours, "the seed must give C01 some cases"
    assert found.theirs, "the seed must give other providers cases"
    assert found.theirs_limited, "the seed must hold limited-access cases outside C01"
    return found


@pytest.fixture(scope="module")
def partner(tokens: Tokens) -> dict[str, str]:
    """C01's client-credentials token."""
    return tokens.header(
        roles=(Role.PARTNER,), client_id="crc-c01", provider=PROVIDER, lifetime=3600
    )


def documents(scope: Scope) -> st.SearchStrategy[str]:
    """Queries over every root field (mutations now and then), with the oracle's keys."""
    schema = graphql.build_client_schema(build_schema().introspect())  # type: ignore[arg-type]
    keys = keys_for(scope)
    scalars = {
        "ID": id_values(keys),
        "_Any": representations(keys),
        "String": names_for(scope),
        "Int": small_ints(),
        "Date": dates(scope.births_theirs),
        "DateTime": date_times(),
    }
    queries = hypothesis_graphql.queries(schema, custom_scalars=scalars)
    mutations = hypothesis_graphql.mutations(schema, custom_scalars=scalars)
    return st.one_of(queries, queries, queries, mutations)


def test_a_partner_never_sees_a_crn_outside_its_scope(
    scope: Scope, live_url: str, partner: dict[str, str]
) -> None:
    tally: Counter[str] = Counter()
    with httpx.Client(headers=partner, timeout=REQUEST_TIMEOUT) as http:

        @seed(SEED)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(document=documents(scope))
        def fuzz(document: str) -> None:
            response = http.post(live_url, json={"query": document})
            verdict = judge(response.status_code, response.text)
            assert not verdict.problems, f"{document}\n-> {verdict.problems}"
            leaked = crns_named(response.text) & scope.outside
            assert not leaked, f"{document}\n-> out-of-scope CRNs {leaked}: {response.text}"
            tally["sent a foreign CRN"] += bool(crns_named(document) & scope.outside)
            tally["got a case"] += got_a_case((verdict.body or {}).get("data"))

        fuzz()
    # The oracle had something to judge: foreign CRNs went in, cases came out.
    assert tally["sent a foreign CRN"] >= EXAMPLES // 10, tally
    assert tally["got a case"] >= EXAMPLES // 20, tally


CASE_ROOTS = ("case", "cases", "_entities")


def got_a_case(data: Any) -> bool:
    """Whether a response's data holds a case object (the partner's own, by the oracle)."""
    if not isinstance(data, dict):
        return False
    for root in CASE_ROOTS:
        value = data.get(root)
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, dict) for item in items):
            return True
    return False

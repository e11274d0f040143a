"""Case Graph composed for real: an Apollo gateway over it and a partner subgraph.

Case Graph runs under uvicorn on its real nDelius; the partner is written with
``@apollo/subgraph``; ``@apollo/gateway`` composes both by introspection. A query through
the gateway needs both subgraphs, both ways: a case from Case Graph with the partner's
notes on it, and the partner's flagged cases, which Case Graph resolves by ``_entities``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from api.settings import Settings
from tests.conftest import GraphQL, Tokens
from tests.federation.processes import node_missing, node_server, run_node, serve_casegraph

pytestmark = [
    pytest.mark.node,
    pytest.mark.skipif(node_missing() is not None, reason=node_missing() or ""),
    pytest.mark.asyncio(loop_scope="session"),
]

ACROSS_BOTH = """
query Across($crn: ID!) {
  case(crn: $crn) { crn name { surname } dateOfBirth partnerNotes }
  flaggedCases { crn partnerNotes name { forename surname } }
}
"""


@pytest.fixture(scope="module")
async def people(sql: Any) -> dict[str, dict[str, str]]:
    """Three visible cases, by CRN, with the facts the gateway must return."""
    rows = await sql.fetch(
        """SELECT crn, first_name, surname, date_of_birth_date FROM offender
           WHERE soft_deleted = 0 AND current_exclusion = 0 AND current_restriction = 0
           ORDER BY crn DESC LIMIT 3"""
    )
    return {
        row["crn"].strip(): {
            "forename": row["first_name"],
            "surname": row["surname"],
            "dateOfBirth": row["date_of_birth_date"].isoformat(),
        }
        for row in rows
    }


@pytest.fixture(scope="module")
def gateway(settings: Settings, people: dict[str, dict[str, str]], tokens: Tokens) -> Iterator[str]:
    first, second, third = people
    partner_data = {
        "notes": {first: ["Attended induction", "Moved hostel"], second: ["Missed a session"]},
        "flagged": [second, third],
    }
    with (
        serve_casegraph(settings) as casegraph,
        node_server("partner.mjs", json.dumps(partner_data)) as partner,
        node_server(
            "gateway.mjs",
            casegraph,
            partner,
            env={"SUBGRAPH_AUTHORIZATION": tokens.header()["Authorization"]},
        ) as gateway_url,
    ):
        yield gateway_url


async def test_a_query_through_the_gateway_needs_both_subgraphs_both_ways(
    gateway: str, people: dict[str, dict[str, str]], tokens: Tokens
) -> None:
    first, second, third = people
    async with httpx.AsyncClient(timeout=30, headers=tokens.header()) as http:
        response = await http.post(
            gateway, json={"query": ACROSS_BOTH, "variables": {"crn": first.lower()}}
        )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {
            "case": {
                "crn": first,
                "name": {"surname": people[first]["surname"]},
                "dateOfBirth": people[first]["dateOfBirth"],
                "partnerNotes": ["Attended induction", "Moved hostel"],
            },
            "flaggedCases": [
                {
                    "crn": crn,
                    "partnerNotes": notes,
                    "name": {
                        "forename": people[crn]["forename"],
                        "surname": people[crn]["surname"],
                    },
                }
                for crn, notes in [(second, ["Missed a session"]), (third, [])]
            ],
        }
    }


async def test_the_guild_composes_the_served_sdl_with_the_partner(
    gql: GraphQL, tmp_path: Any
) -> None:
    """The Guild's composition (Hive Gateway) accepts federation 2.9; Apollo's does too."""
    body = await gql("{ _service { sdl } }")
    sdl_file = tmp_path / "casegraph.graphql"
    sdl_file.write_text(body["data"]["_service"]["sdl"])
    outcomes = json.loads(run_node("compose.mjs", str(sdl_file)))
    for composer in ("guild", "apollo"):
        assert outcomes[composer]["errors"] == [], composer
        supergraph = outcomes[composer]["supergraphSdl"]
        assert "partnerNotes: [String!]! @join__field(graph: PARTNER)" in supergraph, composer
        assert 'type Case @join__type(graph: CASEGRAPH, key: "crn")' in " ".join(supergraph.split())


async def test_the_gateway_gets_no_case_without_the_callers_token(
    gateway: str, people: dict[str, dict[str, str]]
) -> None:
    """The gateway forwards the caller's token; without one Case Graph answers nothing."""
    first, second, third = people
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            gateway, json={"query": ACROSS_BOTH, "variables": {"crn": first}}
        )
    body = response.json()
    assert body["data"] == {
        "case": None,
        "flaggedCases": [
            {"crn": second, "partnerNotes": ["Missed a session"], "name": None},
            {"crn": third, "partnerNotes": [], "name": None},
        ],
    }
    assert body["errors"]
    assert all(person["surname"] not in response.text for person in people.values())


def planner_counts() -> tuple[float, float]:
    """Requests this process answered from a plan, and those it left to graphql-core."""
    planned = fallbacks = 0.0
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == "casegraph_planner_planned_total":
                planned += sample.value
            elif sample.name == "casegraph_planner_fallbacks_total":
                fallbacks += sample.value
    return planned, fallbacks


async def test_the_gateways_fetches_are_answered_from_plans(
    gateway: str, people: dict[str, dict[str, str]], tokens: Tokens
) -> None:
    """Both of the gateway's fetches from Case Graph, the root ``case`` and the
    ``_entities`` join for the partner's cases, are planned (Case Graph runs in this
    process, so its planner counters are this registry's)."""
    first = next(iter(people))
    planned, fallbacks = planner_counts()
    async with httpx.AsyncClient(timeout=30, headers=tokens.header()) as http:
        response = await http.post(
            gateway, json={"query": ACROSS_BOTH, "variables": {"crn": first}}
        )
    assert "errors" not in response.json()
    assert planner_counts() == (planned + 2, fallbacks)

"""Bad input gets a coded GraphQL error or null, never a 500, a stack or SQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import GraphQL, Tokens, in_process

pytestmark = pytest.mark.asyncio(loop_scope="session")


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def a_crn(sql: Any) -> str:
    crn: str = await sql.fetchval(
        "SELECT crn FROM offender WHERE soft_deleted = 0 AND current_exclusion = 0 "
        "AND current_restriction = 0 ORDER BY crn LIMIT 1"
    )
    return crn.strip()


@pytest.mark.parametrize("crn", ["X12", "123456A", "'; DROP TABLE offender; --", "", "X1234567"])
async def test_malformed_crn_is_bad_user_input(gql: GraphQL, crn: str) -> None:
    body = await gql("query($crn: ID!) { case(crn: $crn) { crn } }", crn=crn)
    assert body["data"] == {"case": None}
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["case"]


async def test_unknown_crn_is_null_with_not_found(gql: GraphQL) -> None:
    body = await gql('{ case(crn: "Z999999") { crn } }')
    assert body["data"] == {"case": None}
    assert codes(body) == ["NOT_FOUND"]


async def test_lower_case_crn_is_accepted(gql: GraphQL, sql: Any) -> None:
    crn = await a_crn(sql)
    body = await gql("query($crn: ID!) { case(crn: $crn) { crn } }", crn=crn.lower())
    assert body["data"]["case"]["crn"] == crn


@pytest.mark.parametrize("first", [-1, 101, 100000])
async def test_page_size_out_of_range(gql: GraphQL, sql: Any, first: int) -> None:
    crn = await a_crn(sql)
    body = await gql(
        "query($crn: ID!, $first: Int!) { case(crn: $crn) { crn contacts(first: $first) "
        "{ totalCount } } }",
        crn=crn,
        first=first,
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] == {"case": {"crn": crn, "contacts": None}}
    assert body["errors"][0]["path"] == ["case", "contacts"]


@pytest.mark.parametrize("cursor", ["garbage", "WyJvZmZzZXQiLDVd", "%%%", "W10"])
async def test_invalid_cursor(gql: GraphQL, sql: Any, cursor: str) -> None:
    crn = await a_crn(sql)
    body = await gql(
        "query($crn: ID!, $after: String) { case(crn: $crn) { contacts(after: $after) "
        "{ totalCount } } }",
        crn=crn,
        after=cursor,
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    body = await gql(
        'query($after: String) { caseload(staffCode: "N07A001", after: $after) { totalCount } }',
        after=cursor,
    )
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_cases_refuses_more_than_the_cap(gql: GraphQL) -> None:
    crns = [f"X{n:06d}" for n in range(101)]
    body = await gql("query($crns: [ID!]!) { cases(crns: $crns) { crn } }", crns=crns)
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_one_bad_crn_in_a_list_fails_only_its_own_slot(gql: GraphQL, sql: Any) -> None:
    crn = await a_crn(sql)
    body = await gql(
        "query($crns: [ID!]!) { cases(crns: $crns) { crn } }", crns=[crn, "nope", "Z999999"]
    )
    assert body["data"]["cases"] == [{"crn": crn}, None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["cases", 1], "BAD_USER_INPUT"),
        (["cases", 2], "NOT_FOUND"),
    ]


async def test_search_needs_a_criterion(gql: GraphQL) -> None:
    body = await gql("{ searchCases(query: {}) { totalCount } }")
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_syntax_and_validation_errors_are_not_500(client: httpx.AsyncClient) -> None:
    for document in ["{ case(crn: ", "{ nope }", "{ case { crn } }"]:
        response = await client.post("/graphql", json={"query": document})
        assert response.status_code in (200, 400)
        body = response.json()
        assert body["errors"]
        assert "Traceback" not in response.text


async def test_a_database_failure_is_coded_and_masked(
    sql: Any, settings: Any, tokens: Tokens
) -> None:
    """With nDelius unreachable: no data, a coded error, no SQL, and not ready."""
    from adapters.delius import DeliusAdapter
    from api.app import create_app
    from resolvers.context import Backends

    delius = await DeliusAdapter.connect(str(settings.delius_dsn.value))
    await delius.aclose()  # every later statement fails: the pool is closed
    app = create_app(settings, backends=Backends(delius=delius))
    async with in_process(app, tokens.header()) as http:
        response = await http.post("/graphql", json={"query": '{ case(crn: "X000001") { crn } }'})
        ready = await http.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert not body["data"]  # the lookup failed, and so did its audit row: nothing is sent
    assert codes(body) == ["SERVICE_UNAVAILABLE"]
    assert "SELECT" not in response.text
    assert "offender" not in response.text.lower()
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"delius": False},
        "backends": {"delius": {"status": "down"}},
    }


async def test_a_variable_its_type_cannot_take_is_bad_user_input(gql: GraphQL) -> None:
    body = await gql(
        "query($born: Date) { searchCases(query: {dateOfBirth: $born}) { totalCount } }",
        born="1990-02-30",
    )
    assert body.get("data") is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "Unexpected error" not in body["errors"][0]["message"]


async def test_a_nul_in_search_text_is_bad_user_input(gql: GraphQL) -> None:
    body = await gql(
        "query($n: String) { searchCases(query: {name: $n}) { totalCount } }", n="a\0b"
    )
    assert codes(body) == ["BAD_USER_INPUT"]

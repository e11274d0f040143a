"""S3 (body size), S5 (production mode) and S6 (transport): refused at the HTTP layer or
without exposing the schema, never executed, and the service carries on."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import StatementLog, Tokens, in_process
from tests.security.conftest import codes, post, still_serving

pytestmark = pytest.mark.asyncio(loop_scope="session")

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_a_five_megabyte_body_gets_413(
    hardened: httpx.AsyncClient, quiet_backend: StatementLog
) -> None:
    body = b'{"query": "{ __typename }", "padding": "' + b"x" * 5_000_000 + b'"}'
    response = await hardened.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert codes(response.json()) == ["PAYLOAD_TOO_LARGE"]
    assert quiet_backend.statements == []
    await still_serving(hardened)


async def test_a_chunked_body_is_cut_off_at_the_limit(hardened: httpx.AsyncClient) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "padding": "'
        for _ in range(80):  # 5 MB in 64 KiB chunks, if it were all read
            sent.append(1)
            yield b"x" * 65536
        yield b'"}'

    response = await hardened.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert len(sent) < 80
    await still_serving(hardened)


async def test_a_body_under_the_limit_is_served(hardened: httpx.AsyncClient) -> None:
    response = await post(hardened, "{ __typename }", padding="x" * 90_000)
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_introspection_is_refused(hardened: httpx.AsyncClient) -> None:
    body = (await post(hardened, "{ __schema { types { name } } }")).json()
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "introspection" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ('{ case(crn: "X000001") { crnn } }', {}),
        ('{ cas(crn: "X000001") { crn } }', {}),
        ('{ case(crnn: "X000001") { crn } }', {}),
        ('{ case(crn: "X000001") { ... on Cas { crn } } }', {}),
        (
            "query($q: CaseSearch!) { searchCases(query: $q) { totalCount } }",
            {"q": {"nam": "Smith"}},
        ),
        ("query($q: CaseSearc!) { searchCases(query: $q) { totalCount } }", {}),
    ],
)
async def test_no_suggestions_in_production(
    hardened: httpx.AsyncClient, document: str, variables: dict[str, object]
) -> None:
    body = (await post(hardened, document, variables=variables)).json()
    assert body["errors"]
    assert all("Did you mean" not in error["message"] for error in body["errors"])


async def test_suggestions_when_the_setting_allows_them(
    production: Settings, delius: DeliusAdapter, tokens: Tokens
) -> None:
    app = create_app(
        dataclasses.replace(production, field_suggestions=True), backends=Backends(delius=delius)
    )
    async with in_process(app, tokens.header()) as http:
        body = (await post(http, '{ case(crn: "X000001") { crnn } }')).json()
    assert "Did you mean 'crn'?" in body["errors"][0]["message"]


async def test_no_ide_page_in_production(hardened: httpx.AsyncClient) -> None:
    response = await hardened.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 400
    assert not response.headers["content-type"].startswith("text/html")
    assert "graphiql" not in response.text.lower()


async def test_the_ide_page_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_a_batch_gets_400(hardened: httpx.AsyncClient, quiet_backend: StatementLog) -> None:
    batch = [{"query": '{ case(crn: "X000001") { crn } }'}] * 2
    response = await hardened.post("/graphql", json=batch)
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    assert quiet_backend.statements == []


@pytest.mark.parametrize(
    "document", ["mutation { __typename }", 'mutation M { case(crn: "X000001") { crn } }']
)
async def test_a_mutation_over_get_gets_405(
    hardened: httpx.AsyncClient, quiet_backend: StatementLog, document: str
) -> None:
    response = await hardened.get("/graphql", params={"query": document})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response.json()) == ["BAD_REQUEST"]
    assert quiet_backend.statements == []


async def test_a_query_over_get_is_served(hardened: httpx.AsyncClient) -> None:
    response = await hardened.get("/graphql", params={"query": "{ __typename @skip(if: false) }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"query": "{ __typename }"}},
        {"files": {"operations": (None, '{"query": "{ __typename }"}')}},
        {"content": b'{"query": "{ __typename }"}', "headers": {"content-type": "text/plain"}},
        {"content": b'{"query": "{ __typename }"}', "headers": {"content-type": ""}},
    ],
    ids=["urlencoded", "multipart", "text-plain", "no-type"],
)
async def test_form_posts_get_415(
    hardened: httpx.AsyncClient, request_kwargs: dict[str, object]
) -> None:
    response = await hardened.post("/graphql", **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 415
    assert codes(response.json()) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"5", b'"query"', b"null", b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "broken", "number", "string", "null", "deep"],
)
async def test_unusable_json_gets_400(hardened: httpx.AsyncClient, body: bytes) -> None:
    response = await hardened.post(
        "/graphql", content=body[:100_000], headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    await still_serving(hardened)


@pytest.mark.parametrize(
    "payload",
    [
        {"query": 5},
        {"query": "{ __typename }", "variables": "x"},
        {"query": "{ __typename }", "operationName": ["x"]},
        {"query": "{ __typename }", "extensions": 1},
        {},
    ],
)
async def test_ill_typed_parameters_get_400(
    hardened: httpx.AsyncClient, payload: dict[str, object]
) -> None:
    response = await hardened.post("/graphql", json=payload)
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_graphql_response_media_type_is_served_when_asked_for(
    hardened: httpx.AsyncClient,
) -> None:
    response = await hardened.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ __typename", None),
        ("{ notAField }", None),
        ("query($n: Int!) { __typename }", {"n": "not a number"}),
    ],
    ids=["parse", "validation", "variables"],
)
async def test_request_errors_are_400_without_data_in_graphql_response(
    hardened: httpx.AsyncClient, document: str, variables: dict[str, object] | None
) -> None:
    payload = {"query": document, "variables": variables}
    strict = await hardened.post("/graphql", json=payload, headers={"accept": GRAPHQL_RESPONSE})
    legacy = await hardened.post("/graphql", json=payload, headers={"accept": "application/json"})
    assert strict.status_code == 400
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in strict.json()
    assert strict.json()["errors"]
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")
    assert legacy.json()["data"] is None


async def test_field_errors_stay_200_in_graphql_response(hardened: httpx.AsyncClient) -> None:
    response = await hardened.post(
        "/graphql",
        json={"query": '{ case(crn: "X12") { crn } }'},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"case": None}
    assert codes(response.json()) == ["BAD_USER_INPUT"]

"""S7: trusted documents run by id; unknown ids and a partner's raw documents are refused."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from api.settings import SettingsError
from api.trusted_documents import TrustedDocuments, sha256
from resolvers.viewer import Role
from tests.conftest import StatementLog, Tokens
from tests.security.conftest import REGISTERED, codes, still_serving

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="session")
def partner(tokens: Tokens) -> dict[str, str]:
    """Headers of a CRC partner client."""
    return tokens.header(roles=(Role.READ_CASES, Role.PARTNER), provider="C01")


@pytest.mark.parametrize(
    "document_id", [f"sha256:{sha256(REGISTERED)}", sha256(REGISTERED), sha256(REGISTERED).upper()]
)
async def test_a_partner_runs_a_registered_document(
    hardened: httpx.AsyncClient, partner: dict[str, str], document_id: str
) -> None:
    response = await hardened.post("/graphql", json={"documentId": document_id}, headers=partner)
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_the_apollo_persisted_query_extension_works_too(
    hardened: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(REGISTERED)}}
    response = await hardened.get(
        "/graphql", params={"extensions": json.dumps(extensions)}, headers=partner
    )
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_registered_document_over_get_by_id(
    hardened: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    response = await hardened.get(
        "/graphql", params={"documentId": f"sha256:{sha256(REGISTERED)}"}, headers=partner
    )
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("document_id", [f"sha256:{'0' * 64}", "nonsense", ""])
async def test_an_unknown_id_is_not_found(
    hardened: httpx.AsyncClient, partner: dict[str, str], document_id: str
) -> None:
    response = await hardened.post("/graphql", json={"documentId": document_id}, headers=partner)
    assert (response.status_code, codes(response.json())) == (200, ["PERSISTED_QUERY_NOT_FOUND"])
    strict = await hardened.post(
        "/graphql",
        json={"documentId": document_id},
        headers={**partner, "accept": GRAPHQL_RESPONSE},
    )
    assert (strict.status_code, codes(strict.json())) == (400, ["PERSISTED_QUERY_NOT_FOUND"])


async def test_a_partner_raw_document_is_refused(
    hardened: httpx.AsyncClient, partner: dict[str, str], statement_log: StatementLog
) -> None:
    statement_log.clear()
    response = await hardened.post(
        "/graphql", json={"query": '{ case(crn: "X000001") { crn } }'}, headers=partner
    )
    assert codes(response.json()) == ["PERSISTED_QUERY_REQUIRED"]
    assert response.json()["data"] is None
    assert statement_log.statements == []
    await still_serving(hardened)


async def test_a_partner_raw_document_is_refused_over_get_too(
    hardened: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    response = await hardened.get("/graphql", params={"query": "{ __typename }"}, headers=partner)
    assert codes(response.json()) == ["PERSISTED_QUERY_REQUIRED"]


async def test_an_id_with_a_different_query_is_refused(
    hardened: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    payload = {"documentId": sha256(REGISTERED), "query": '{ case(crn: "X000001") { crn } }'}
    response = await hardened.post("/graphql", json=payload, headers=partner)
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_staff_may_still_send_raw_documents(hardened: httpx.AsyncClient) -> None:
    response = await hardened.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_staff_may_use_registered_documents(hardened: httpx.AsyncClient) -> None:
    response = await hardened.post("/graphql", json={"documentId": sha256(REGISTERED)})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_without_a_manifest_partners_are_not_restricted(
    client: httpx.AsyncClient, partner: dict[str, str]
) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=partner)
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_manifest_with_a_wrong_hash_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "documents.json"
    path.write_text(json.dumps({f"sha256:{sha256('{ a }')}": "{ b }"}))
    with pytest.raises(SettingsError, match="hash"):
        TrustedDocuments.load(str(path))


@pytest.mark.parametrize("content", ["[]", "{", '{"sha256:abc": "{ a }"}'])
def test_an_unusable_manifest_stops_start_up(tmp_path: Path, content: str) -> None:
    path = tmp_path / "documents.json"
    path.write_text(content)
    with pytest.raises(SettingsError):
        TrustedDocuments.load(str(path))


def test_plain_hex_keys_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "documents.json"
    path.write_text(json.dumps({sha256(REGISTERED): REGISTERED}))
    documents = TrustedDocuments.load(str(path))
    assert documents.document(f"sha256:{sha256(REGISTERED)}") == REGISTERED

"""A1: every bad token gets the same 401, and nothing behind it runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from api.tokens import SigningKey
from tests.conftest import AUDIENCE, ISSUER, StatementLog, Tokens

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUERY = {"query": '{ case(crn: "X000001") { crn } }'}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unsigned(header: dict[str, object], claims: dict[str, object]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "client_id": "attacker",
        "authorities": ["ROLE_CASEGRAPH_READ"],
        "iat": now,
        "exp": now + 600,
    }
    return {**base, **overrides}


def bad_tokens(tokens: Tokens, key: SigningKey) -> dict[str, str | None]:
    public_pem = (
        serialization.load_pem_private_key(key.private_pem, password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    hs_body = unsigned({"alg": "HS256", "typ": "JWT", "kid": key.kid}, claims())
    hs_signature = b64(hmac.new(public_pem, hs_body.encode(), hashlib.sha256).digest())
    stranger = SigningKey.generate()
    return {
        "none": None,
        "expired": tokens.mint(lifetime=-60),
        "alg none": unsigned({"alg": "none", "typ": "JWT"}, claims()) + ".",
        "HS256 with the public key": f"{hs_body}.{hs_signature}",
        "wrong issuer": key.mint(issuer="elsewhere", audience=AUDIENCE, client_id="x"),
        "wrong audience": key.mint(issuer=ISSUER, audience="other-api", client_id="x"),
        "unknown kid": stranger.mint(issuer=ISSUER, audience=AUDIENCE, client_id="x"),
        "garbage": "not-a-token",
        "no client id": key.mint(issuer=ISSUER, audience=AUDIENCE, client_id=""),
    }


async def test_every_bad_token_gets_one_identical_401(
    client: httpx.AsyncClient,
    tokens: Tokens,
    signing_key: SigningKey,
    statement_log: StatementLog,
) -> None:
    statement_log.clear()
    answers = set()
    for name, token in bad_tokens(tokens, signing_key).items():
        headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
        response = await client.post("/graphql", json=QUERY, headers=headers)
        assert response.status_code == 401, name
        assert response.headers["www-authenticate"] == "Bearer"
        answers.add(response.text)
    assert len(answers) == 1
    assert json.loads(answers.pop())["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert statement_log.count == 0  # no resolver, no query


async def test_a_good_token_gets_through(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ me { clientId username roles } }"},
        headers=tokens.header(username="jsmith", client_id="probation-ui"),
    )
    assert response.json() == {
        "data": {
            "me": {
                "clientId": "probation-ui",
                "username": "jsmith",
                "roles": ["ROLE_CASEGRAPH_READ"],
            }
        }
    }

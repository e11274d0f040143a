"""Bearer-token authentication: RS256 JWTs verified against a JWKS.

The JWKS comes from a file or a URL (``CASEGRAPH_JWKS``) and is cached; a token signed with
an unknown ``kid`` makes it refetch, at most once every 30 seconds, so a key rotation is
picked up without letting garbage tokens hammer the key server. Issuer, audience and
expiry are required. Every failure is the same 401 with the same body: the client learns
nothing about why.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import jwt
from jwt import PyJWK
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from resolvers.errors import ErrorCode
from resolvers.viewer import Caller

REFETCH_INTERVAL = 30.0
REMEMBER_SECONDS = 300.0
REMEMBERED_TOKENS = 10_000
UNAUTHORISED_BODY = {
    "errors": [{"message": "Unauthorised", "extensions": {"code": ErrorCode.UNAUTHENTICATED.value}}]
}


ANONYMOUS = Caller(client_id="anonymous")
"""The caller of the GraphiQL page itself: no roles, so it can read nothing."""


class Unauthenticated(Exception):
    """The request carries no acceptable token. Deliberately says nothing more."""


class KeySet:
    """The verification keys by ``kid``, from a JWKS file or URL."""

    def __init__(self, source: str, *, refetch_interval: float = REFETCH_INTERVAL) -> None:
        self._source = source
        self._refetch_interval = refetch_interval
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> PyJWK:
        """The key with this id; refetches the set (rate-limited) when it is unknown."""
        if kid not in self._keys:
            async with self._lock:
                if kid not in self._keys and self._may_refetch():
                    await self._refetch()
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthenticated from None

    def _may_refetch(self) -> bool:
        return time.monotonic() - self._fetched_at >= self._refetch_interval

    async def _refetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            document = await self._read()
            keys = {
                str(jwk["kid"]): PyJWK(jwk, algorithm="RS256")
                for jwk in document.get("keys", [])
                if jwk.get("kty") == "RSA" and jwk.get("kid")
            }
        except (OSError, ValueError, KeyError, TypeError, httpx.HTTPError, jwt.PyJWTError):
            return  # keep the keys we had; unknown kids stay unknown
        self._keys = keys

    async def _read(self) -> Mapping[str, Any]:
        if self._source.startswith(("http://", "https://")):
            async with httpx.AsyncClient(timeout=httpx.Timeout(3.0)) as http:
                response = await http.get(self._source)
                response.raise_for_status()
                document: Mapping[str, Any] = response.json()
                return document
        loaded: Mapping[str, Any] = json.loads(
            await asyncio.to_thread(Path(self._source).read_text)
        )
        return loaded


class TokenVerifier:
    """Turns an ``Authorization`` header into a ``Caller``, or raises ``Unauthenticated``.

    A verified token is remembered (bounded, and for at most ``REMEMBER_SECONDS`` and never
    past its expiry), so a client sending the same token again is not re-verified each time.
    """

    def __init__(self, keys: KeySet, *, issuer: str, audience: str) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._verified: OrderedDict[str, tuple[Caller, float]] = OrderedDict()

    async def caller(self, authorization: str | None) -> Caller:
        """The caller a valid bearer token describes."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        caller, expires = await self._verify(token)
        self._verified[token] = (caller, min(expires, time.time() + REMEMBER_SECONDS))
        if len(self._verified) > REMEMBERED_TOKENS:
            self._verified.popitem(last=False)
        return caller

    async def _verify(self, token: str) -> tuple[Caller, float]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
                raise Unauthenticated
            key = await self._keys.key(header["kid"])
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError:
            raise Unauthenticated from None
        return _caller_from(claims), float(claims["exp"])


def _caller_from(claims: Mapping[str, Any]) -> Caller:
    client_id = claims.get("client_id")
    roles = claims.get("authorities", [])
    username = claims.get("user_name")
    provider = claims.get("provider")
    if not isinstance(client_id, str) or not client_id:
        raise Unauthenticated
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated
    if username is not None and not isinstance(username, str):
        raise Unauthenticated
    if provider is not None and not isinstance(provider, str):
        raise Unauthenticated
    return Caller(
        client_id=client_id,
        username=username or None,
        roles=frozenset(roles),
        provider_code=provider or None,
    )


class AuthenticationMiddleware:
    """Verifies the bearer token of every GraphQL request; 401 before any resolver runs.

    The GraphiQL page itself (GET asking for HTML) needs no token: it holds no data.
    """

    def __init__(self, app: ASGIApp, verifier: TokenVerifier, *, path: str = "/graphql") -> None:
        self.app = app
        self.verifier = verifier
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if scope["method"] == "GET" and "text/html" in connection.headers.get("accept", ""):
            scope.setdefault("state", {})["caller"] = ANONYMOUS
            await self.app(scope, receive, send)
            return
        try:
            caller = await self.verifier.caller(connection.headers.get("authorization"))
        except Unauthenticated:
            response = JSONResponse(
                UNAUTHORISED_BODY, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)

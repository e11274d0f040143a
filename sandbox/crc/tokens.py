"""OAuth 2.0 client credentials for a CRC stand-in: client authentication and opaque tokens.

RFC 6749 section 4.4 with client authentication by HTTP Basic or form fields (section 2.3.1),
and RFC 6749 section 5.2 errors. Tokens are random strings remembered with their expiry.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.crc.faults import FaultState

SCOPE = "cases:read"


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """The one client allowed to call an instance; the secret never shows in a repr."""

    client_id: str
    client_secret: str = field(repr=False)


class TokenStore:
    """Issued tokens and their expiry times, for one instance."""

    def __init__(self, credentials: ClientCredentials) -> None:
        self.credentials = credentials
        self._tokens: dict[str, float] = {}

    def issue(self, ttl: int) -> str:
        """A new opaque token valid for ``ttl`` seconds."""
        token = secrets.token_urlsafe(32)
        self._tokens[token] = time.monotonic() + ttl
        return token

    def valid(self, token: str) -> bool:
        """True while ``token`` was issued here and has not expired."""
        expires = self._tokens.get(token)
        return expires is not None and time.monotonic() < expires

    def revoke_all(self) -> None:
        """Forget every token, as a restarted authorisation server would."""
        self._tokens.clear()


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="partner"'
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else None


async def issue_token(request: Request, store: TokenStore, faults: FaultState) -> JSONResponse:
    """``POST /oauth/token``: the client credentials grant."""
    if "application/x-www-form-urlencoded" not in request.headers.get("content-type", ""):
        return _oauth_error(400, "invalid_request", "body must be form-urlencoded")
    form = dict(parse_qsl((await request.body()).decode(errors="replace")))
    basic = _basic_credentials(request)
    if basic is not None:
        client_id, secret = basic
    elif "client_id" in form:
        client_id, secret = form["client_id"], form.get("client_secret", "")
    else:
        return _oauth_error(401, "invalid_client", "client authentication required")
    expected = store.credentials
    if not (
        hmac.compare_digest(client_id.encode(), expected.client_id.encode())
        and hmac.compare_digest(secret.encode(), expected.client_secret.encode())
    ):
        return _oauth_error(401, "invalid_client", "client authentication failed")
    grant = form.get("grant_type")
    if grant is None:
        return _oauth_error(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    scope = form.get("scope", SCOPE)
    if set(scope.split()) - {SCOPE}:
        return _oauth_error(400, "invalid_scope", f"only {SCOPE} is offered")
    token = store.issue(faults.token_ttl)
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": faults.token_ttl,
            "scope": SCOPE,
        },
        headers={"Cache-Control": "no-store"},
    )

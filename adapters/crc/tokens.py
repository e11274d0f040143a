"""OAuth 2.0 client-credentials tokens for one CRC, fetched once and shared.

One fetch at a time (single flight): callers that find no usable token wait for the same
fetch. A token is refreshed a little before ``expires_in`` runs out, and dropped when the
server answers 401 so the next call fetches a fresh one. Credentials go in HTTP Basic, each
part form-encoded first (RFC 6749 section 2.3.1).
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from urllib.parse import quote_plus

from adapters.crc.connection import CrcConnection
from adapters.crc.failures import check_status, json_object, transport_failure
from adapters.errors import BackendRejected, BackendUnavailable
from adapters.http import HttpClient, HttpFailure

_REFRESH_MARGIN_SECONDS = 30.0
_REFRESH_MARGIN_FRACTION = 0.2


class TokenSource:
    """The current bearer token for one CRC, with single-flight refresh."""

    def __init__(
        self,
        http: HttpClient,
        connection: CrcConnection,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._source = connection.source
        self._clock = clock
        self._basic = _basic_header(connection.client_id, connection.client_secret)
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    def __repr__(self) -> str:
        return f"TokenSource({self._source!r}, fetches={self.fetches})"

    async def get(self) -> str:
        """A token that is not about to expire, fetching one if needed."""
        token = self._usable()
        if token is not None:
            return token
        async with self._lock:
            token = self._usable()
            if token is None:
                token = await self._fetch()
            return token

    def invalidate(self, token: str) -> None:
        """The server refused ``token``: forget it unless a newer one replaced it already."""
        if self._token == token:
            self._token = None

    def _usable(self) -> str | None:
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token
        return None

    async def _fetch(self) -> str:
        self.fetches += 1
        try:
            response = await self._http.request(
                "POST",
                "/oauth/token",
                content=b"grant_type=client_credentials&scope=cases%3Aread",
                headers={
                    "Authorization": self._basic,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
            )
        except HttpFailure as error:
            transport_failure(error, self._source)
        if response.status_code in (400, 401):
            raise BackendRejected(self._source, f"{self._source}: token request refused")
        check_status(response, self._source)
        body = json_object(response, self._source)
        token, kind, expires_in = (
            body.get("access_token"),
            body.get("token_type"),
            body.get("expires_in"),
        )
        if (
            not isinstance(token, str)
            or not token
            or not isinstance(kind, str)
            or kind.lower() != "bearer"
            or not isinstance(expires_in, int)
            or isinstance(expires_in, bool)
            or expires_in < 1
        ):
            raise BackendUnavailable(self._source, f"{self._source}: malformed token response")
        margin = min(_REFRESH_MARGIN_SECONDS, expires_in * _REFRESH_MARGIN_FRACTION)
        self._token = token
        self._refresh_at = self._clock() + expires_in - margin
        return token


def _basic_header(client_id: str, client_secret: str) -> str:
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
    return "Basic " + base64.b64encode(pair).decode()

"""One CRC partner system: its HTTP client, token source and guard, and the guarded request.

Each request fetches (or reuses) a token, retries once with a fresh token on 401, and parses
the body inside the guarded attempt, so a malformed body counts against the breaker like any
other failure. Reads are retried by the guard, honouring Retry-After within the deadline.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import orjson

from adapters.crc.connection import CrcConnection
from adapters.crc.failures import (
    MalformedBody,
    check_status,
    json_object,
    retry_after_hint,
    transport_failure,
)
from adapters.crc.tokens import TokenSource
from adapters.errors import BackendRejected, BackendUnavailable
from adapters.http import HttpClient, HttpFailure, HttpResponse
from adapters.resilience import Guard

T = TypeVar("T")
Json = dict[str, Any]


class PartnerSystem:
    """The connection to one CRC; shared by every request to that CRC."""

    def __init__(self, connection: CrcConnection, guard: Guard, http: HttpClient) -> None:
        self.provider_code = connection.provider_code
        self.source = connection.source
        self.guard = guard
        self.tokens = TokenSource(http, connection)
        self._http = http

    def __repr__(self) -> str:
        return f"PartnerSystem({self.source!r}, {self._http.base_url})"

    async def get(
        self, path: str, parse: Callable[[Json], T], params: dict[str, str] | None = None
    ) -> T | None:
        """GET ``path`` and parse it; None on 404 (not held by this CRC)."""
        return await self._guarded("GET", path, parse, params=params)

    async def post(self, path: str, parse: Callable[[Json], T], body: Json) -> T | None:
        """POST a JSON body (a read, such as batchGet) and parse the answer."""
        return await self._guarded("POST", path, parse, body=body)

    async def _guarded(
        self,
        method: str,
        path: str,
        parse: Callable[[Json], T],
        *,
        params: dict[str, str] | None = None,
        body: Json | None = None,
    ) -> T | None:
        async def attempt() -> T | None:
            response = await self._authorised(method, path, params, body)
            if response.status_code == 404:
                return None
            check_status(response, self.source)
            try:
                return parse(json_object(response, self.source))
            except MalformedBody:
                raise BackendUnavailable(self.source, f"{self.source}: malformed body") from None

        return await self.guard.call(attempt, idempotent=True, retry_after=retry_after_hint)

    async def _authorised(
        self, method: str, path: str, params: dict[str, str] | None, body: Json | None
    ) -> HttpResponse:
        token = await self.tokens.get()
        response = await self._send(method, path, token, params, body)
        if response.status_code != 401:
            return response
        self.tokens.invalidate(token)
        token = await self.tokens.get()
        response = await self._send(method, path, token, params, body)
        if response.status_code == 401:
            raise BackendRejected(self.source, f"{self.source}: bearer token refused")
        return response

    async def _send(
        self,
        method: str,
        path: str,
        token: str,
        params: dict[str, str] | None,
        body: Json | None,
    ) -> HttpResponse:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, application/problem+json",
            "X-Correlation-Id": uuid.uuid4().hex,
        }
        content = None
        if body is not None:
            content = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            return await self._http.request(
                method, path, content=content, headers=headers, params=params
            )
        except HttpFailure as error:
            transport_failure(error, self.source)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

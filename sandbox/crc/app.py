"""One CRC instance: a starlette app serving the partner API (partner-api.yaml) from a dataset.

Every request is counted per operation, then passes the injected faults (hang, 429, 503),
then bearer authentication, then the handler; its answer leaves once the injected latency has
passed since the request arrived (the stand-in's own work counts towards it).
``X-Correlation-Id`` is echoed on every response. A CRN this CRC does not hold gets the same
404 as an unknown one. Case events pushed by Case Graph arrive at ``/webhooks/case-events``
(``sandbox/crc/webhooks.py``).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.crc.cursor import CursorCodec, CursorError
from sandbox.crc.dataset import CrcDataset
from sandbox.crc.faults import FaultState
from sandbox.crc.problems import invalid_parameter, problem
from sandbox.crc.tokens import ClientCredentials, TokenStore, issue_token
from sandbox.crc.webhooks import CONTROL_PATH, RECEIVE_PATH, RECEIVED_PATH, WebhookInbox
from sandbox.traceparents import TraceparentLog

BASE_PATH = "/partner/v1"
CRN = re.compile(r"^[A-Z][0-9]{6}$")
MAX_BATCH = 100
Handler = Callable[[Request], Awaitable[Response]]


class CrcStandIn:
    """The state of one instance (dataset, tokens, faults) and the ASGI app over it."""

    def __init__(self, dataset: CrcDataset, credentials: ClientCredentials) -> None:
        self.dataset = dataset
        self.faults = FaultState()
        self.tokens = TokenStore(credentials)
        self.cursors = CursorCodec(secrets.token_bytes(32))
        self.traceparents = TraceparentLog()
        self.inbox = WebhookInbox()
        routes = [
            Route(
                f"{BASE_PATH}/oauth/token",
                self._guarded("issueToken", self._token, False),
                methods=["POST"],
            ),
            Route(
                f"{BASE_PATH}/cases:batchGet",
                self._guarded("batchGetCases", self._batch),
                methods=["POST"],
            ),
            Route(f"{BASE_PATH}/cases/{{crn}}", self._guarded("getCase", self._case)),
            Route(
                f"{BASE_PATH}/cases/{{crn}}/appointments",
                self._guarded("listAppointments", self._appointments),
            ),
            Route(
                f"{BASE_PATH}/cases/{{crn}}/interventions",
                self._guarded("listInterventions", self._interventions),
            ),
            Route(
                f"{BASE_PATH}/cases/{{crn}}/unpaid-work",
                self._guarded("getUnpaidWork", self._unpaid_work),
            ),
            Route("/_control", self._control, methods=["GET", "POST"]),
            Route(
                RECEIVE_PATH,
                self._guarded("receiveWebhook", self.inbox.receive, False),
                methods=["POST"],
            ),
            Route(RECEIVED_PATH, self.inbox.listing),
            Route(CONTROL_PATH, self.inbox.control, methods=["POST"]),
        ]
        self.app: ASGIApp = _EchoCorrelationId(Starlette(routes=routes))

    def _guarded(self, operation: str, handler: Handler, bearer: bool = True) -> Handler:
        async def endpoint(request: Request) -> Response:
            arrived = time.monotonic()
            self.traceparents.record(request)
            faults = self.faults
            faults.calls[operation] += 1
            faults.in_flight += 1
            faults.max_in_flight = max(faults.max_in_flight, faults.in_flight)
            try:
                response = await self._answer(request, handler, bearer)
                await faults.delay(arrived)
                return response
            finally:
                faults.in_flight -= 1

        return endpoint

    async def _answer(self, request: Request, handler: Handler, bearer: bool) -> Response:
        faults = self.faults
        await faults.hold()
        retry_after = faults.take_rate_limit()
        if retry_after is not None:
            return problem(
                request, 429, "rate limit exceeded", headers={"Retry-After": str(retry_after)}
            )
        if faults.failing() or faults.hang:
            return problem(request, 503, "the case management system is unavailable")
        if bearer and not self._authorised(request):
            return problem(
                request,
                401,
                "a valid bearer token is required",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        response = await handler(request)
        if bearer and faults.malformed and response.status_code == 200:
            return Response(b'{"crn": "X0', media_type="application/json")
        return response

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self.tokens.valid(token.strip())

    async def _token(self, request: Request) -> Response:
        return await issue_token(request, self.tokens, self.faults)

    async def _control(self, request: Request) -> Response:
        if request.method == "POST":
            command = await request.json()
            self.faults.apply(command)
            if command.get("revoke_tokens"):
                self.tokens.revoke_all()
        return JSONResponse(self.faults.describe())

    def _held(self, request: Request) -> tuple[str, Response | None]:
        crn = request.path_params["crn"]
        if not CRN.match(crn):
            return crn, invalid_parameter(request, "crn", "does not match ^[A-Z][0-9]{6}$")
        if crn not in self.dataset.cases:
            return crn, problem(request, 404, f"No case for CRN {crn}")
        return crn, None

    async def _case(self, request: Request) -> Response:
        crn, refusal = self._held(request)
        return refusal or JSONResponse(self.dataset.cases[crn])

    async def _interventions(self, request: Request) -> Response:
        crn, refusal = self._held(request)
        items = list(self.dataset.interventions.get(crn, ()))
        return refusal or JSONResponse({"crn": crn, "interventions": items})

    async def _unpaid_work(self, request: Request) -> Response:
        crn, refusal = self._held(request)
        return refusal or JSONResponse(self.dataset.unpaid_work[crn])

    async def _batch(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return invalid_parameter(request, "body", "is not JSON")
        if not isinstance(body, dict) or set(body) != {"crns"}:
            return invalid_parameter(request, "body", "must be an object with only crns")
        crns = body["crns"]
        if not isinstance(crns, list) or not 1 <= len(crns) <= MAX_BATCH:
            return invalid_parameter(request, "crns", f"must hold 1 to {MAX_BATCH} CRNs")
        for index, crn in enumerate(crns):
            if not isinstance(crn, str) or not CRN.match(crn):
                return invalid_parameter(request, f"crns[{index}]", "is not a CRN")
        unique = list(dict.fromkeys(crns))
        found = [self.dataset.cases[crn] for crn in unique if crn in self.dataset.cases]
        missing = [crn for crn in unique if crn not in self.dataset.cases]
        return JSONResponse({"cases": found, "notFound": missing})

    async def _appointments(self, request: Request) -> Response:
        crn, refusal = self._held(request)
        if refusal:
            return refusal
        query = request.query_params
        bounds: dict[str, datetime | None] = {}
        for name in ("from", "to"):
            raw = query.get(name)
            try:
                value = datetime.fromisoformat(raw) if raw else None
            except ValueError:
                value = None
                raw = raw or ""
            if raw and (value is None or value.tzinfo is None):
                return invalid_parameter(request, name, "must be an RFC 3339 date-time")
            bounds[name] = value
        try:
            limit = int(query.get("limit", "50"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_BATCH:
            return invalid_parameter(request, "limit", "must be an integer from 1 to 100")
        filters = f"{crn}|{bounds['from']}|{bounds['to']}"
        offset = 0
        cursor = query.get("cursor")
        if cursor is not None:
            try:
                if len(cursor) > 512:
                    raise CursorError("cursor is too long")
                offset = self.cursors.decode(cursor, filters)
            except (CursorError, KeyError, ValueError):
                return invalid_parameter(request, "cursor", "is not valid for this request")
        return JSONResponse(self._page(crn, bounds, offset, limit, filters))

    def _page(
        self, crn: str, bounds: dict[str, datetime | None], offset: int, limit: int, filters: str
    ) -> dict[str, Any]:
        start, end = bounds["from"], bounds["to"]
        matching = [
            a.body
            for a in self.dataset.appointments.get(crn, ())
            if (start is None or a.start >= start) and (end is None or a.start < end)
        ]
        page = matching[offset : offset + limit]
        more = offset + limit < len(matching)
        next_cursor = self.cursors.encode(offset + limit, filters) if more else None
        return {"crn": crn, "items": page, "nextCursor": next_cursor}


class _EchoCorrelationId:
    """Repeats the request's ``X-Correlation-Id`` on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        correlation = next(
            (value for key, value in scope["headers"] if key == b"x-correlation-id"), None
        )

        async def send_with_id(message: Message) -> None:
            if correlation is not None and message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-correlation-id", correlation)]
            await send(message)

        await self._app(scope, receive, send_with_id)

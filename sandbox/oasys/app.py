"""The stand-in OASys SOAP service: a starlette app at ``/oasys`` with fault injection.

``GET /oasys?wsdl`` serves the contract with its address rewritten to this server;
``POST /oasys`` answers the three operations. ``POST /_control`` changes the injected
faults at run time (latency, error rate, hang, down, the next N calls failing, reset) and
``GET /_control`` reports call counters, so tests can count calls and concurrency at the server.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sandbox.latency import answer_after
from sandbox.oasys import soap
from sandbox.oasys.dataset import OasysDataset
from sandbox.traceparents import TraceparentLog

CRN = re.compile(r"[A-Z][0-9]{6}")
XML = "text/xml; charset=utf-8"
log = logging.getLogger("sandbox.oasys")


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Faults to inject into every SOAP call."""

    latency_ms: float = 0.0  # answer this long after the request arrived, own work included
    error_rate: float = 0.0  # share of calls answered with a retryable ServiceFault
    hang: bool = False  # never answer until reset
    down: bool = False  # drop the connection without a complete answer
    fail_next: int = 0  # answer the next N calls with a ServiceFault...
    fail_retryable: bool = True  # ...saying this about retrying
    seed: int = 0  # seeds the error_rate draws


class ConnectionDropped(Exception):
    """Raised after the response started, so the server closes the connection mid-answer."""


class OasysState:
    """Mutable per-app state: current faults, call counters and in-flight gauge."""

    def __init__(self, dataset: OasysDataset, faults: FaultConfig) -> None:
        self.dataset = dataset
        self.initial = faults
        self.faults = faults
        self.random = random.Random(faults.seed)
        self.calls: Counter[str] = Counter()
        self.calls_by_crn: Counter[tuple[str, str]] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.released = asyncio.Event()
        self.traceparents = TraceparentLog()

    def configure(self, changes: dict[str, Any]) -> None:
        """Apply a ``/_control`` document; ``reset`` restores the configured faults first."""
        if changes.get("reset"):
            self.faults = self.initial
            self.random = random.Random(self.initial.seed)
            self.released.set()
            self.released = asyncio.Event()
        known = {"latency_ms", "error_rate", "hang", "down", "fail_next", "fail_retryable"}
        update = {k: v for k, v in changes.items() if k in known}
        if "error_rate" in update and not 0 <= float(update["error_rate"]) <= 1:
            raise ValueError("error_rate must be within 0..1")
        self.faults = replace(self.faults, **update)
        if changes.get("reset_counters"):
            self.reset_counters()

    def reset_counters(self) -> None:
        self.calls.clear()
        self.calls_by_crn.clear()
        self.max_in_flight = self.in_flight

    def stats(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "inFlight": self.in_flight,
            "maxInFlight": self.max_in_flight,
        }


def create_oasys_app(dataset: OasysDataset, *, faults: FaultConfig | None = None) -> Starlette:
    """The stand-in service over ``dataset``; ``app.state.oasys`` is its ``OasysState``."""
    state = OasysState(dataset, faults or FaultConfig())

    async def wsdl(request: Request) -> Response:
        if "wsdl" not in request.query_params:
            return Response("GET ?wsdl for the contract; POST SOAP 1.1 requests.", 400)
        address = str(request.url.replace(query=None))
        return Response(soap.wsdl_for(address), media_type=XML)

    async def call(request: Request) -> Response:
        arrived = time.monotonic()
        state.traceparents.record(request)
        body = await request.body()
        try:
            operation, message = soap.parse_request(body)
        except soap.InvalidMessage:
            return _validation_fault("request", None, "the request does not match the contract")
        crn = soap.request_crn(message)
        state.calls[operation] += 1
        state.calls_by_crn[(operation, crn)] += 1
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            return await _answer(state, operation, crn, arrived)
        finally:
            state.in_flight -= 1

    async def control(request: Request) -> Response:
        if request.method == "POST":
            try:
                state.configure(dict(await request.json()))
            except (ValueError, TypeError) as error:
                return JSONResponse({"error": str(error)}, 400)
        return JSONResponse(state.stats())

    app = Starlette(
        routes=[
            Route("/oasys", wsdl, methods=["GET"]),
            Route("/oasys", call, methods=["POST"]),
            Route("/_control", control, methods=["GET", "POST"]),
        ]
    )
    app.state.oasys = state
    return app


async def _answer(state: OasysState, operation: str, crn: str, arrived: float) -> Response:
    """The answer, sent once the injected latency has passed since the request ``arrived``
    (``sandbox.latency``)."""
    faults = state.faults
    if faults.hang:
        await state.released.wait()
        faults = state.faults
    response = _outcome(state, faults, operation, crn)
    await answer_after(faults.latency_ms, arrived)
    return response


def _outcome(state: OasysState, faults: FaultConfig, operation: str, crn: str) -> Response:
    """What the call is answered with under ``faults``."""
    if faults.down:
        return _Dropped()
    if faults.fail_next > 0:
        state.faults = replace(state.faults, fail_next=state.faults.fail_next - 1)
        return _service_fault(
            "UNAVAILABLE", "OASys could not answer", retryable=faults.fail_retryable
        )
    if faults.error_rate > 0 and state.random.random() < faults.error_rate:
        return _service_fault("UNAVAILABLE", "OASys is temporarily unavailable", retryable=True)
    if not CRN.fullmatch(crn):
        return _validation_fault("crn", crn, "crn must match [A-Z][0-9]{6}")
    offender = state.dataset.get(crn)
    if offender is None:
        detail = soap.detail("OffenderNotFoundFault", crn=crn, message="offender not found")
        return _fault("Client", "offender not found", detail)
    try:
        return Response(soap.envelope(soap.response(operation, offender)), media_type=XML)
    except soap.InvalidMessage:
        log.exception("the stand-in built a response that breaks the contract")
        return _service_fault("INTERNAL", "internal error", retryable=False)


def _fault(code: str, message: str, detail: Any) -> Response:
    return Response(soap.fault(code, message, detail), status_code=500, media_type=XML)


def _validation_fault(field: str, value: str | None, message: str) -> Response:
    values = {"field": field} | ({"value": value} if value is not None else {})
    return _fault("Client", message, soap.detail("ValidationFault", **values, message=message))


def _service_fault(code: str, message: str, *, retryable: bool) -> Response:
    detail = soap.detail(
        "ServiceFault", code=code, message=message, retryable="true" if retryable else "false"
    )
    return _fault("Server", message, detail)


class _Dropped(Response):
    """Starts a response, then fails: the server closes the connection mid-answer."""

    def __init__(self) -> None:
        super().__init__(b"", status_code=200, media_type=XML, headers={"content-length": "512"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        raise ConnectionDropped("injected fault: connection dropped")

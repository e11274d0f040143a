"""Liveness and readiness: ``/health`` says the process is up, ``/ready`` how each backend is.

The process is ready when nDelius round-trips a statement: OASys and the CRCs only feed
nullable fields, so while they are down answers are partial, not wrong. ``/ready`` still
reports each of them with its circuit breaker's state (``closed``: up, ``half_open``:
being retried, ``open``: failing fast), so an operator sees which one is in trouble.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from adapters.resilience import Breakers, BreakerState, CircuitBreaker
from resolvers.context import Backends

_STATUS = {BreakerState.CLOSED: "up", BreakerState.HALF_OPEN: "degraded", BreakerState.OPEN: "down"}


async def health(request: Request) -> JSONResponse:
    """The process is up and serving."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    """Ready (200) when the database round-trips a statement; 503 otherwise, and while draining."""
    if request.app.state.drain.draining:
        return JSONResponse({"status": "draining", "checks": {}}, status_code=503)
    backends: Backends | None = request.app.state.backends_holder.get("backends")
    delius_up = backends is not None and await backends.delius.is_ready()
    report: dict[str, dict[str, Any]] = {"delius": {"status": "up" if delius_up else "down"}}
    for source, breaker in breakers_of(backends):
        state = breaker.publish()
        report[source] = {"status": _STATUS[state], "breaker": state.value}
    body = {
        "status": "ready" if delius_up else "unavailable",
        "checks": {"delius": delius_up},
        "backends": report,
    }
    return JSONResponse(body, status_code=200 if delius_up else 503)


def breakers_of(backends: Backends | None) -> Iterator[tuple[str, CircuitBreaker]]:
    """Every circuit breaker of the partner backends, by source, in a stable order."""
    if backends is None:
        return
    for client in (backends.oasys, backends.crc):
        if isinstance(client, Breakers):
            yield from sorted(client.breakers().items())

"""Liveness and readiness: ``/health`` says the process is up, ``/ready`` that nDelius answers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


async def health(request: Request) -> JSONResponse:
    """The process is up and serving."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    """Ready when the database round-trips a statement; 503 otherwise, and while draining."""
    if request.app.state.drain.draining:
        return JSONResponse({"status": "draining", "checks": {}}, status_code=503)
    backends = request.app.state.backends_holder.get("backends")
    delius_up = backends is not None and await backends.delius.is_ready()
    body = {"status": "ready" if delius_up else "unavailable", "checks": {"delius": delius_up}}
    return JSONResponse(body, status_code=200 if delius_up else 503)

"""``GET /metrics``: how the process is running; ``GET /metrics/prometheus`` for Prometheus."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from executor import METRICS


async def planner_metrics(request: Request) -> JSONResponse:
    """The planned executor's counters for this process."""
    return JSONResponse({"planner": METRICS.snapshot()})


async def prometheus_metrics(request: Request) -> Response:
    """Every metric in prometheus-client's default registry, in its text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

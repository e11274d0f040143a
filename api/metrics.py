"""``GET /metrics``: how the process is running."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from executor import METRICS


async def planner_metrics(request: Request) -> JSONResponse:
    """The planned executor's counters for this process."""
    return JSONResponse({"planner": METRICS.snapshot()})

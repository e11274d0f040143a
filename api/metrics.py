"""``GET /metrics``: every metric in prometheus_client's default registry, as Prometheus text.

With ``PROMETHEUS_MULTIPROC_DIR`` set (``casegraph serve --workers N`` sets it), each
worker writes its values to files there and a scrape, whichever worker answers it,
merges them all, so the figures are the whole server's. Metrics are defined where they
are recorded (``adapters/metrics.py``, ``api/request_metrics.py``, the planner's cache).
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from api.health import breakers_of
from api.metrics_dir import MULTIPROC_DIR


def registry() -> CollectorRegistry:
    """The registry to export: this process's, or all workers' merged."""
    if not os.environ.get(MULTIPROC_DIR):
        return REGISTRY
    merged = CollectorRegistry()
    MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
    return merged


async def metrics(request: Request) -> Response:
    """The server's metrics; breakers that moved to half-open by time are published first."""
    for _source, breaker in breakers_of(request.app.state.backends_holder.get("backends")):
        breaker.publish()
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)

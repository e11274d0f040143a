"""``GET /metrics``: every metric in prometheus_client's default registry, as Prometheus text.

With ``CASEGRAPH_METRICS_ENABLED=false`` nothing is recorded and ``metrics_off`` answers
instead: a 404 saying so, rather than an empty page a scraper would take for a healthy target.

With ``PROMETHEUS_MULTIPROC_DIR`` set (``casegraph serve --workers N`` sets it), each
worker writes its values to files there and a scrape, whichever worker answers it,
merges them all, so the figures are the whole server's. Metrics are defined where they
are recorded (``adapters/metrics.py``, ``api/request_metrics.py``, the planner's cache).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from adapters.metrics import record_metrics
from api.health import breakers_of
from api.metrics_dir import MULTIPROC_DIR
from api.settings import Settings

Endpoint = Callable[[Request], Awaitable[Response]]


def metrics_endpoint(settings: Settings) -> Endpoint:
    """The ``/metrics`` endpoint ``settings`` ask for; this process records metrics or not
    accordingly (the request metrics extension follows the same setting)."""
    record_metrics(settings.metrics_enabled)
    return metrics if settings.metrics_enabled else metrics_off


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


async def metrics_off(request: Request) -> Response:
    """Metrics are turned off in this server."""
    return PlainTextResponse("metrics are off (CASEGRAPH_METRICS_ENABLED=false)\n", 404)

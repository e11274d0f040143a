"""OpenTelemetry tracing: one span per request, per loader batch or planned level, per SQL
statement and per call to OASys or a CRC, in one trace with the caller's.

Configuration decides everything, and tracing is off by default:

- ``CASEGRAPH_OTEL_EXPORTER`` (else the standard ``OTEL_TRACES_EXPORTER``): ``none``,
  ``otlp`` (production: OTLP over HTTP, configured by the standard
  ``OTEL_EXPORTER_OTLP_*`` variables) or ``jsonl`` (one JSON span a line in
  ``CASEGRAPH_OTEL_FILE``; the demo's choice);
- ``CASEGRAPH_OTEL_SAMPLE_RATIO``: the share of new traces kept; a caller's sampled
  ``traceparent`` is always followed (parent-based sampling);
- the service name is ``casegraph`` unless ``OTEL_SERVICE_NAME`` says otherwise.

The ASGI middleware accepts the caller's W3C ``traceparent``; the aiohttp client
instrumentation sends it on to OASys and the CRCs (``adapters.http``), the httpx one on
webhook deliveries; the asyncpg one times each statement.
Every exported span is scrubbed first (``api.span_export``).
"""

from __future__ import annotations

import os
from pathlib import Path

from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from api.settings import Settings, SettingsError
from api.span_export import JsonLinesSpans, ScrubbedSpans
from api.trace_sampling import (
    PresetTraceIds,
    SampleFirst,
    UnsampledSkippingAioHttp,
    UnsampledSkippingAsyncPG,
)

EXPORTERS = ("none", "otlp", "jsonl")
UNTRACED_PATHS = "/health,/ready,/metrics"
"""Probes and scrapes: frequent, and nothing to follow."""

_configured: list[TracerProvider] = []


def exporter_name(settings: Settings) -> str:
    """The configured exporter: Case Graph's setting, else OpenTelemetry's, else none."""
    name = (settings.otel_exporter or os.environ.get("OTEL_TRACES_EXPORTER") or "none").lower()
    if name not in EXPORTERS:
        raise SettingsError(f"CASEGRAPH_OTEL_EXPORTER: {name!r} is not one of {EXPORTERS}")
    return name


def tracing_enabled(settings: Settings) -> bool:
    """True when spans are exported somewhere."""
    return exporter_name(settings) != "none"


def configure_tracing(settings: Settings) -> TracerProvider | None:
    """Install the tracer provider and the instrumentations, once per process.

    Returns the provider (None when tracing is off) so a caller can flush it.
    """
    if not tracing_enabled(settings):
        return None
    if _configured:
        return _configured[0]
    if not 0.0 <= settings.otel_sample_ratio <= 1.0:
        raise SettingsError("CASEGRAPH_OTEL_SAMPLE_RATIO must be within 0..1")
    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": "casegraph"}
    provider = TracerProvider(
        resource=Resource.create(named),
        sampler=ParentBased(TraceIdRatioBased(settings.otel_sample_ratio)),
        id_generator=PresetTraceIds(),
    )
    provider.add_span_processor(BatchSpanProcessor(ScrubbedSpans(_exporter(settings))))
    trace.set_tracer_provider(provider)
    UnsampledSkippingAsyncPG().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    UnsampledSkippingAioHttp().instrument(tracer_provider=provider)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    _configured.append(provider)
    return provider


def flush_spans() -> None:
    """Export the spans still buffered: the server is stopping.

    uvicorn ends a process by re-raising the signal that stopped it, so ``atexit``
    handlers (the SDK's own flush among them) never run.
    """
    for provider in _configured:
        provider.force_flush(timeout_millis=5000)


def _exporter(settings: Settings) -> SpanExporter:
    if exporter_name(settings) == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return JsonLinesSpans(Path(settings.otel_file))


def tracing_middleware(settings: Settings) -> list[Middleware]:
    """The request span's middleware (outermost) when tracing is on; nothing otherwise."""
    if not tracing_enabled(settings):
        return []
    ids = _configured[0].id_generator if _configured else PresetTraceIds()
    return [
        Middleware(
            SampleFirst,
            instrument=_instrumented,
            sampler=TraceIdRatioBased(settings.otel_sample_ratio),
            ids=ids,
            untraced_paths=frozenset(UNTRACED_PATHS.split(",")),
        )
    ]


def _instrumented(app: ASGIApp) -> ASGIApp:
    """The ASGI instrumentation around ``app``: the request span, without one span per
    ASGI message."""
    return OpenTelemetryMiddleware(
        app, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"]
    )

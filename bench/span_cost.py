"""What one span costs in this process: to record it, to scrub it, and to encode it for OTLP.

The observability benchmark measures tracing's overhead under load; these figures say where
it goes. Each is the mean over ``samples`` spans shaped like the asyncpg instrumentation's
(a client span with its seven attributes), recorded under a sampled parent by the SDK,
scrubbed by ``api.span_export.scrubbed`` and encoded by the OTLP exporter's own encoder.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import SpanKind

from api.span_export import scrubbed

STATEMENT_ATTRIBUTES: dict[str, str | int] = {
    "db.system": "postgresql",
    "db.name": "delius",
    "db.user": "casegraph",
    "net.peer.name": "127.0.0.1",
    "net.peer.port": 5432,
    "net.transport": "ip_tcp",
    "db.statement": "SELECT o.offender_id, o.crn, o.first_name, o.surname FROM offender o "
    "WHERE o.crn = ANY($1::text[]) AND o.soft_deleted = 0",
}


class _Kept(SpanExporter):
    """Keeps every finished span, so the later steps can be timed on them."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS


def span_costs(samples: int = 5000) -> dict[str, float]:
    """Microseconds per span: ``record`` (start and end), ``scrub`` and ``encode``."""
    kept = _Kept()
    provider = TracerProvider(sampler=ParentBased(TraceIdRatioBased(1.0)))
    provider.add_span_processor(SimpleSpanProcessor(kept))
    tracer = provider.get_tracer("bench")
    with tracer.start_as_current_span("request"):
        started = time.perf_counter()
        for _ in range(samples):
            with tracer.start_as_current_span(
                "SELECT", kind=SpanKind.CLIENT, attributes=STATEMENT_ATTRIBUTES
            ):
                pass
        recorded = time.perf_counter() - started
    spans = kept.spans[:samples]
    started = time.perf_counter()
    clean = [scrubbed(span) for span in spans]
    scrubbing = time.perf_counter() - started
    started = time.perf_counter()
    encode_spans(clean).SerializeToString()
    encoding = time.perf_counter() - started
    provider.shutdown()
    micro = 1e6 / samples
    return {"record": recorded * micro, "scrub": scrubbing * micro, "encode": encoding * micro}

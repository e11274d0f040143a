"""A new request's trace is sampled once, before the ASGI instrumentation runs.

Pure logic, so the app behind the middleware is a few lines and the spans go to memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.trace_sampling import PresetTraceIds, SampleFirst

KEPT = 0x1
"""A trace id a ratio of one half keeps (its low 64 bits are under the bound)."""
DROPPED = 0xFFFF_FFFF_FFFF_FFFF
"""A trace id a ratio of one half drops."""


class FixedIds(IdGenerator):
    """Hands out the given trace ids in turn; span ids count up."""

    def __init__(self, *trace_ids: int) -> None:
        self._trace_ids: Iterator[int] = iter(trace_ids)
        self._span_ids = iter(range(1, 1_000))

    def generate_trace_id(self) -> int:
        return next(self._trace_ids)

    def generate_span_id(self) -> int:
        return next(self._span_ids)


async def current_trace(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the trace the request runs in, as the code below the middleware sees it."""
    span = trace.get_current_span()
    context = span.get_span_context()
    body = {"traceId": context.trace_id, "recording": span.is_recording()}
    await JSONResponse(body)(scope, receive, send)


def traced_app(gate_ids: IdGenerator) -> tuple[ASGIApp, InMemorySpanExporter]:
    """The middleware over ``current_trace``, sampling half the traces, as configured."""
    exporter = InMemorySpanExporter()
    half = TraceIdRatioBased(0.5)
    provider = TracerProvider(sampler=ParentBased(half), id_generator=PresetTraceIds())
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    def instrument(app: ASGIApp) -> ASGIApp:
        return OpenTelemetryMiddleware(app, tracer_provider=provider, exclude_spans=["send"])

    gate = SampleFirst(
        current_trace,
        instrument=instrument,
        sampler=half,
        ids=gate_ids,
        untraced_paths=frozenset({"/health"}),
    )
    return gate, exporter


async def ask(app: ASGIApp, path: str = "/graphql", **headers: str) -> dict[str, object]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://casegraph"
    ) as client:
        response = await client.get(path, headers=headers)
    found: dict[str, object] = response.json()
    return found


async def test_a_chosen_request_is_traced_with_the_trace_id_it_was_chosen_by() -> None:
    app, exporter = traced_app(FixedIds(KEPT))
    seen = await ask(app)
    assert seen == {"traceId": KEPT, "recording": True}
    (span,) = exporter.get_finished_spans()
    assert span.kind is trace.SpanKind.SERVER
    assert span.parent is None
    assert span.context is not None
    assert span.context.trace_id == KEPT


async def test_an_unchosen_request_skips_the_instrumentation_but_keeps_a_trace_id() -> None:
    app, exporter = traced_app(FixedIds(DROPPED))
    seen = await ask(app)
    assert seen == {"traceId": DROPPED, "recording": False}
    assert exporter.get_finished_spans() == ()


async def test_a_callers_traceparent_decides_not_the_gate() -> None:
    app, exporter = traced_app(FixedIds(DROPPED))
    caller = f"00-{'ab' * 16}-{'cd' * 8}-01"
    seen = await ask(app, traceparent=caller)
    assert seen == {"traceId": int("ab" * 16, 16), "recording": True}
    (span,) = exporter.get_finished_spans()
    assert span.parent is not None
    assert span.parent.span_id == int("cd" * 8, 16)


async def test_probes_are_never_traced() -> None:
    app, exporter = traced_app(FixedIds())  # asking for an id would fail
    seen = await ask(app, "/health")
    assert seen == {"traceId": 0, "recording": False}
    assert exporter.get_finished_spans() == ()

"""A new request's trace is sampled once, before the ASGI instrumentation runs; statements
and HTTP calls of an unsampled request skip the asyncpg and aiohttp instrumentations.

The app behind the middleware is a few lines, the statements go to the session's real
PostgreSQL, and the spans go to memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import aiohttp
import asyncpg
import httpx
from aiohttp import web
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import (
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.spans import in_unsampled_trace, span
from api.trace_sampling import (
    PresetTraceIds,
    SampleFirst,
    UnsampledSkippingAioHttp,
    UnsampledSkippingAsyncPG,
)
from sandbox.postgres import free_port

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


def traced_app(
    gate_ids: IdGenerator, inner: ASGIApp = current_trace
) -> tuple[ASGIApp, InMemorySpanExporter]:
    """The middleware over ``inner``, sampling half the traces, as configured."""
    exporter = InMemorySpanExporter()
    half = TraceIdRatioBased(0.5)
    provider = TracerProvider(sampler=ParentBased(half), id_generator=PresetTraceIds())
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    def instrument(app: ASGIApp) -> ASGIApp:
        return OpenTelemetryMiddleware(app, tracer_provider=provider, exclude_spans=["send"])

    gate = SampleFirst(
        inner,
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


async def test_the_work_below_an_unchosen_request_knows_it_is_unsampled() -> None:
    seen: list[tuple[bool, bool]] = []

    async def below(scope: Scope, receive: Receive, send: Send) -> None:
        own_span = span("load cases", {"keys": 1})
        seen.append((in_unsampled_trace(), isinstance(own_span, nullcontext)))
        await JSONResponse({})(scope, receive, send)

    app, exporter = traced_app(FixedIds(DROPPED, KEPT), below)
    await ask(app)
    await ask(app)
    assert seen == [(True, True), (False, False)]
    assert not in_unsampled_trace()  # the mark ends with the request
    (request,) = exporter.get_finished_spans()
    assert request.context is not None
    assert request.context.trace_id == KEPT


async def test_a_callers_unsampled_traceparent_is_unsampled_below_it_too() -> None:
    seen: list[bool] = []

    async def below(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(in_unsampled_trace())
        await JSONResponse({})(scope, receive, send)

    app, exporter = traced_app(FixedIds(), below)
    await ask(app, traceparent=f"00-{'ab' * 16}-{'cd' * 8}-00")
    assert seen == [True]
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


class CountingSampler(Sampler):
    """Samples everything, and counts the spans it was asked about."""

    def __init__(self) -> None:
        self.asked = 0
        self._inner = ParentBased(TraceIdRatioBased(1.0))

    def should_sample(self, *args: Any, **kwargs: Any) -> SamplingResult:
        self.asked += 1
        return self._inner.should_sample(*args, **kwargs)

    def get_description(self) -> str:
        return "counting"


async def test_statements_of_unsampled_requests_start_no_span_and_sampled_ones_do(
    dsn: str,
) -> None:
    exporter = InMemorySpanExporter()
    sampler = CountingSampler()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    instrumentor = UnsampledSkippingAsyncPG()  # type: ignore[no-untyped-call]
    instrumentor.instrument(tracer_provider=provider)
    try:
        connection = await asyncpg.connect(dsn)
        try:
            unsampled = SpanContext(DROPPED, 7, is_remote=False, trace_flags=TraceFlags(0))
            with trace.use_span(NonRecordingSpan(unsampled)):
                assert await connection.fetchval("SELECT 1") == 1
            assert sampler.asked == 0  # no span was even begun
            assert exporter.get_finished_spans() == ()
            with tracer.start_as_current_span("request"):
                assert await connection.fetchval("SELECT 2") == 2
        finally:
            await connection.close()
    finally:
        instrumentor.uninstrument()
    statement, request = exporter.get_finished_spans()
    assert statement.attributes is not None
    assert statement.attributes["db.statement"] == "SELECT 2"
    assert statement.parent is not None
    assert request.context is not None
    assert statement.parent.span_id == request.context.span_id


async def test_calls_of_unsampled_requests_send_the_trace_on_but_start_no_span() -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=request.headers.get("traceparent", ""))

    app = web.Application()
    app.router.add_get("/", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    exporter = InMemorySpanExporter()
    sampler = CountingSampler()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = UnsampledSkippingAioHttp()
    instrumentor.instrument(tracer_provider=provider)
    try:
        async with aiohttp.ClientSession() as session:
            unsampled = SpanContext(DROPPED, 7, is_remote=False, trace_flags=TraceFlags(0))
            with trace.use_span(NonRecordingSpan(unsampled)):
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    sent_unsampled = await response.text()
            assert sampler.asked == 0  # no span was even begun
            assert exporter.get_finished_spans() == ()
            with provider.get_tracer("test").start_as_current_span("request") as request:
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    sent_sampled = await response.text()
    finally:
        instrumentor.uninstrument()
        await runner.cleanup()
    assert sent_unsampled == f"00-{DROPPED:032x}-{7:016x}-00"
    (call, _request) = exporter.get_finished_spans()
    assert call.parent is not None
    assert call.parent.span_id == request.get_span_context().span_id
    assert call.context is not None
    trace_id = request.get_span_context().trace_id
    version, sent_trace, sent_parent, flags = sent_sampled.split("-")
    parent = call.context.span_id
    assert (version, sent_trace, sent_parent) == ("00", f"{trace_id:032x}", f"{parent:016x}")
    assert int(flags, 16) & 1  # sampled

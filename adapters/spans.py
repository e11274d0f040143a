"""Case Graph's own spans (loader batches, audit writes), made only when useful.

A span is started only inside a sampled trace: an unsampled request (most of them, at a 10%
sample ratio) or a process without tracing pays one check instead of a span. The check is
the trace's sampling flag, not whether the current span still records: a batch a level
started ahead runs after that level's work is done, and is still a batch of the request.
The instrumentations' spans (request, SQL, HTTP) are theirs and follow the SDK's own rules.

A request whose trace the HTTP edge decided not to sample says so once, in a context
variable (``unsampled_request``): every check below it is then a single lookup, where
finding the current span's sampling flag through OpenTelemetry's context takes four calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace

_tracer = trace.get_tracer("casegraph")

_unsampled: ContextVar[bool] = ContextVar("casegraph_unsampled_request", default=False)
"""True while serving a request whose new trace is not sampled."""


@contextmanager
def unsampled_request() -> Iterator[None]:
    """Marks the work inside as part of a request whose trace is not sampled."""
    token = _unsampled.set(True)
    try:
        yield
    finally:
        _unsampled.reset(token)


def in_unsampled_trace() -> bool:
    """True inside a trace that is not sampled: a child span could never be recorded."""
    if _unsampled.get():
        return True
    span_context = trace.get_current_span().get_span_context()
    return span_context.is_valid and not span_context.trace_flags.sampled


def span(name: str, attributes: Mapping[str, int | str]) -> AbstractContextManager[Any]:
    """A child span of the current one named ``name``, or nothing when it would not be kept.

    Attributes must never carry case data: counts and levels only.
    """
    if _unsampled.get() or not trace.get_current_span().get_span_context().trace_flags.sampled:
        return nullcontext()
    return _tracer.start_as_current_span(name, attributes=attributes)

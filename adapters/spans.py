"""Case Graph's own spans (loader batches, audit writes), made only when useful.

A span is started only inside a sampled trace: an unsampled request (most of them, at a 10%
sample ratio) or a process without tracing pays one check instead of a span. The check is
the trace's sampling flag, not whether the current span still records: a batch a level
started ahead runs after that level's work is done, and is still a batch of the request.
The instrumentations' spans (request, SQL, HTTP) are theirs and follow the SDK's own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from opentelemetry import trace

_tracer = trace.get_tracer("casegraph")


def span(name: str, attributes: Mapping[str, int | str]) -> AbstractContextManager[Any]:
    """A child span of the current one named ``name``, or nothing when it would not be kept.

    Attributes must never carry case data: counts and levels only.
    """
    if not trace.get_current_span().get_span_context().trace_flags.sampled:
        return nullcontext()
    return _tracer.start_as_current_span(name, attributes=attributes)

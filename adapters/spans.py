"""Case Graph's own spans (loader batches, planned levels, audit writes), made only when useful.

A span is started only when an OpenTelemetry SDK is installed and the current trace is
being recorded: an unsampled request (most of them, at a 10% sample ratio) or a process
without tracing pays one check instead of a span. The instrumentations' spans (request,
SQL, HTTP) are theirs and follow the SDK's own rules.
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
    if not trace.get_current_span().is_recording():
        return nullcontext()
    return _tracer.start_as_current_span(name, attributes=attributes)

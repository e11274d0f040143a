"""Every log line written inside a traced request carries its trace id beside its correlation id."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry.sdk.trace import TracerProvider

from api.logs import configure_logging, correlated
from api.settings import Settings


def test_a_log_line_names_the_trace_and_the_correlation_id() -> None:
    stream = io.StringIO()
    handler = configure_logging(Settings(), stream=stream)
    tracer = TracerProvider().get_tracer("test")
    try:
        with tracer.start_as_current_span("request") as span, correlated("corr-1"):
            logging.getLogger("casegraph.test").warning("inside")
        logging.getLogger("casegraph.test").warning("outside")
    finally:
        logging.getLogger().removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["traceId"] == format(span.get_span_context().trace_id, "032x")
    assert inside["correlationId"] == "corr-1"
    assert "traceId" not in outside

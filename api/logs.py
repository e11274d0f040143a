"""Log lines: one JSON object each (or plain text), with case identifiers scrubbed.

``configure_logging(settings)`` installs one handler on the root logger. Its filter
rewrites every record, whatever logger it came from, so that nothing shaped like a CRN, a
PNC number or a date (of birth) survives in the message, its arguments or a traceback.
The resolvers already keep error texts out of the logs; this is defence in depth, for
third-party lines (drivers, the HTTP server's access log, whose URLs may hold a GET query).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

from opentelemetry import trace

from api.settings import Settings

correlation_id: ContextVar[str | None] = ContextVar("casegraph_correlation_id", default=None)
"""The current request's correlation id, when one is known."""

_SCRUBBED = (
    (re.compile(r"\b\d{2}(?:\d{2})?/\d{1,7}[A-Za-z]\b"), "[pnc]"),
    (re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b"), "[date]"),
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{6}(?![0-9])"), "[crn]"),
)


def scrub(text: str) -> str:
    """The text with CRNs, PNC numbers and dates replaced by placeholders."""
    for pattern, placeholder in _SCRUBBED:
        text = pattern.sub(placeholder, text)
    return text


@contextmanager
def correlated(value: str | None) -> Iterator[None]:
    """Tag the log lines written inside the block with a correlation id."""
    token = correlation_id.set(value)
    try:
        yield
    finally:
        correlation_id.reset(token)


class ScrubFilter(logging.Filter):
    """Formats each record's message once, scrubbed, and scrubs its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record.correlation_id = correlation_id.get()
        record.trace_id = current_trace_id()
        return True


def current_trace_id() -> str | None:
    """The current span's trace id (32 hex digits), when a trace is being recorded."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, correlation and trace ids."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        known = getattr(record, "correlation_id", None) or correlation_id.get()
        if known:
            line["correlationId"] = known
        traced = getattr(record, "trace_id", None) or current_trace_id()
        if traced:
            line["traceId"] = traced
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s %(trace_id)s] %(message)s"


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> logging.Handler:
    """Send every log line to ``stream`` (stderr) in the configured format, scrubbed.

    Replaces the root logger's handlers; returns the new handler so a caller (a test)
    can remove it again.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ScrubFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler

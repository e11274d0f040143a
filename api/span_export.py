"""Where finished spans go: scrubbed of case data first, then OTLP or a JSON-lines file.

``ScrubbedSpans`` wraps the real exporter and rewrites every span on its way out, so no
instrumentation (ours or a library's) can send case data to a tracing backend: URLs lose
their query strings (a GET's query and variables), every text value is scrubbed as log
lines are (CRNs, PNC numbers, dates), and exception events keep their type only (a
driver's message may quote a value). SQL is sent without its parameters
(the asyncpg instrumentation's default).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Status

from api.logs import scrub

_DROPPED = frozenset({"exception.message", "exception.stacktrace"})


def clean_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The attributes with queries cut from URLs, text scrubbed and exception texts gone."""
    cleaned: dict[str, Any] = {}
    for key, value in (attributes or {}).items():
        if key in _DROPPED:
            continue
        if isinstance(value, str):
            value = _clean_text(key, value)
        elif isinstance(value, tuple | list):
            value = tuple(scrub(v) if isinstance(v, str) else v for v in value)
        cleaned[key] = value
    return cleaned


@lru_cache(maxsize=4096)
def _clean_text(key: str, value: str) -> str:
    """One text attribute made safe. Cached: most values recur (each SQL statement's text,
    the same few names and routes), and four regular expressions over a long statement
    cost more than the rest of its export."""
    if "url" in key or "target" in key or key == "http.route":
        value = value.split("?", 1)[0]
    return scrub(value)


def scrubbed(span: ReadableSpan) -> ReadableSpan:
    """``span`` itself when it holds no case data, else a copy that holds none."""
    status = span.status
    attributes = clean_attributes(span.attributes)
    name = _clean_text("span.name", span.name)
    if (
        not span.events
        and not status.description
        and name == span.name
        and attributes == dict(span.attributes or {})
    ):
        return span
    return ReadableSpan(
        name=name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=attributes,
        events=[
            Event(event.name, clean_attributes(event.attributes), event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=Status(status.status_code, scrub(status.description or "") or None),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class ScrubbedSpans(SpanExporter):
    """Hands ``inner`` scrubbed copies of the spans."""

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([scrubbed(span) for span in spans])

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


class JsonLinesSpans(SpanExporter):
    """Appends each span as one line of OpenTelemetry's JSON to a file a person can read.

    Several workers may append to the same file: each batch is written with one call, in
    append mode.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        text = "".join(span.to_json(indent=None) + "\n" for span in spans)
        try:
            with self._lock, self.path.open("a", encoding="utf-8") as file:
                file.write(text)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None

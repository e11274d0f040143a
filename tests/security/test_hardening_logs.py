"""P1 and the log format: a backend error full of case data reaches neither the client nor
the logs; log lines are JSON objects with scrubbed messages."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from adapters.delius import DeliusAdapter
from adapters.records import AccessRecord, CaseRecord
from api.app import create_app
from api.logs import JsonFormatter, ScrubFilter, configure_logging, correlated, scrub
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import Tokens, in_process

LEAKY_CRN = "X123456"
LEAKY_TEXT = (
    f"column \"crnn\" does not exist: SELECT * FROM offender WHERE crn = '{LEAKY_CRN}' "
    "(/srv/casegraph/adapters/delius/people.py:88), date of birth 1984-02-29"
)


class LeakyDelius:
    """The real adapter, except that reading cases fails with a message full of case data
    (as a driver's error would)."""

    def __init__(self, real: DeliusAdapter) -> None:
        self._real = real

    async def cases_with_access(
        self, crns: Sequence[str], username: str | None
    ) -> Mapping[str, tuple[CaseRecord, AccessRecord]]:
        raise RuntimeError(LEAKY_TEXT)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log line, as configured for production (JSON), for one test."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(Settings(log_format="json"), stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


async def test_a_leaky_backend_error_reaches_neither_client_nor_logs(
    settings: Settings, delius: DeliusAdapter, tokens: Tokens, captured: io.StringIO
) -> None:
    app = create_app(settings, backends=Backends(delius=LeakyDelius(delius)))  # type: ignore[arg-type]
    async with in_process(app, tokens.header()) as http:
        response = await http.post(
            "/graphql",
            json={"query": f'{{ case(crn: "{LEAKY_CRN}") {{ crn }} }}'},
            headers={"X-Correlation-Id": "trace-1"},
        )
    body = response.json()
    assert response.status_code == 200
    assert body["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["case"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "correlationId": "trace-1"},
        }
    ]
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert any("internal error" in line["message"] for line in lines)
    assert all(
        line["correlationId"] == "trace-1" for line in lines if "internal" in line["message"]
    )
    assert LEAKY_CRN not in captured.getvalue()
    assert "SELECT" not in captured.getvalue()


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("case X123456 failed", "case [crn] failed"),
        ("crn=x123456;", "crn=[crn];"),
        ("PNC 2004/0046583U and 04/123456A", "PNC [pnc] and [pnc]"),
        ("born 1984-02-29 or 29/02/1984", "born [date] or [date]"),
        ("request 4f1c2a9e took 12 ms", "request 4f1c2a9e took 12 ms"),
        ("AB1234567 X1234567", "AB1234567 X1234567"),
    ],
)
def test_scrub(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("casegraph.test", logging.WARNING, __file__, 1, message, args, None)


def test_arguments_and_tracebacks_are_scrubbed() -> None:
    try:
        raise ValueError("no case X654321")
    except ValueError:
        import sys

        entry = logging.LogRecord(
            "casegraph.test", logging.ERROR, __file__, 1, "%s on %s", ("X111111", 5), sys.exc_info()
        )
    assert ScrubFilter().filter(entry)
    line = json.loads(JsonFormatter().format(entry))
    assert line["message"] == "[crn] on 5"
    assert "X654321" not in line["exception"]
    assert "[crn]" in line["exception"]


def test_a_line_is_one_json_object_with_the_correlation_id() -> None:
    entry = record("served %d cases", 3)
    with correlated("abc-123"):
        ScrubFilter().filter(entry)
    line = json.loads(JsonFormatter().format(entry))
    assert set(line) == {"time", "level", "logger", "message", "correlationId"}
    assert (line["level"], line["logger"], line["message"], line["correlationId"]) == (
        "WARNING",
        "casegraph.test",
        "served 3 cases",
        "abc-123",
    )
    assert line["time"].endswith("+00:00")


def test_text_format_is_available(captured: io.StringIO) -> None:
    handler = configure_logging(dataclasses.replace(Settings(), log_format="text"), stream=captured)
    logging.getLogger("casegraph.test").warning("case %s", "X222222")
    handler.flush()
    assert "case [crn]" in captured.getvalue()
    assert not captured.getvalue().lstrip().startswith("{")

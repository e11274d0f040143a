"""Prometheus metrics of GraphQL requests: by operation, executor and outcome; errors by code.

``RequestMetrics`` is the first schema extension, so it exits last and sees the errors as
the client will (masked, each with its code). Every label is bounded and free of case
data: with a trusted-documents manifest, only the operation names its documents define
are kept; without one, the first ``MAX_OPERATION_NAMES`` distinct well-formed names this
process sees (none shaped like a CRN or a date). Anything else is ``other``: a free-text
name cannot be told from a person's, so production deployments give a manifest. Codes
are ``ErrorCode`` values; a source is ``delius``, ``oasys`` or ``crc:<provider code>``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator

from graphql import GraphQLError, OperationDefinitionNode, parse
from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension

from adapters.metrics import LATENCY_BUCKETS, labelled
from api.logs import scrub
from api.trusted_documents import TrustedDocuments
from executor import answered_by
from resolvers.errors import ErrorCode

MAX_OPERATION_NAMES = 50
"""Distinct operation names one process labels by name before calling the rest ``other``."""

REQUESTS = Counter(
    "casegraph_graphql_requests_total",
    "GraphQL operations by operation name, executor (planned, graphql-core) and outcome "
    "(ok, partial: data with errors, error: no data).",
    ["operation", "executor", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "casegraph_graphql_request_duration_seconds",
    "Time from parsing to the result of one GraphQL operation, by operation and executor.",
    ["operation", "executor"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "casegraph_graphql_errors_total",
    "GraphQL errors sent to clients, by extensions.code and extensions.source (none).",
    ["code", "source"],
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_SOURCE = re.compile(r"delius|oasys|crc:[A-Z0-9]{1,8}")
_CODES = frozenset(code.value for code in ErrorCode)


class OperationNames:
    """Turns a client's operation name into a bounded, case-data-free label."""

    def __init__(self, trusted: Iterable[str] = (), cap: int = MAX_OPERATION_NAMES) -> None:
        self._trusted = frozenset(trusted)
        self._seen: set[str] = set()
        self._cap = cap

    @classmethod
    def of(cls, documents: TrustedDocuments) -> OperationNames:
        """With a manifest, its documents' names only; without one, the capped first seen."""
        if documents.enforced:
            return cls(_defined_names(documents.by_hash.values()), cap=0)
        return cls()

    def label(self, name: str | None) -> str:
        """The label for ``name``: itself, ``anonymous`` or ``other``."""
        if not name:
            return "anonymous"
        if name in self._trusted or name in self._seen:
            return name
        if len(self._seen) >= self._cap or not _NAME.fullmatch(name) or scrub(name) != name:
            return "other"
        self._seen.add(name)
        return name


def _defined_names(documents: Iterable[str]) -> Iterator[str]:
    for document in documents:
        for definition in parse(document).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                yield definition.name.value


class RequestMetrics(SchemaExtension):
    """Counts and times each operation, and counts the errors its client is sent."""

    def __init__(self, names: OperationNames) -> None:
        self._names = names

    def on_operation(self) -> Iterator[None]:
        """Time the operation; record it once it has a result.

        ``answered_by`` is set afresh here (each request runs in a task of its own, so
        nothing carries over), never reset: an operation abandoned mid-way may have its
        generator closed later, in another context, where a reset would fail.
        """
        started = time.perf_counter()
        answered_by.set("graphql-core")
        yield
        self._record(answered_by.get(), time.perf_counter() - started)

    def _record(self, executor: str, seconds: float) -> None:
        context = self.execution_context
        operation = self._names.label(context.operation_name)
        result = context.result
        errors = list(result.errors or ()) if result else list(context.pre_execution_errors or ())
        has_data = result is not None and result.data is not None
        outcome = "ok" if not errors else "partial" if has_data else "error"
        labelled(REQUESTS, operation, executor, outcome).inc()
        labelled(REQUEST_SECONDS, operation, executor).observe(seconds)
        for error in errors:
            count_error(error)


def count_error(error: GraphQLError) -> None:
    """Count one error by its (bounded) code and source."""
    extensions = error.extensions or {}
    code = str(extensions.get("code") or ErrorCode.INTERNAL_SERVER_ERROR.value)
    source = str(extensions.get("source") or "none")
    ERRORS.labels(
        code if code in _CODES else "other",
        source if source == "none" or _SOURCE.fullmatch(source) else "other",
    ).inc()

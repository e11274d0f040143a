"""Prometheus metrics of the backends: calls, breakers, the nDelius pool, audit writes, search.

They live in the lowest layer so that the adapters record them where things happen and
every layer above may record to them too. All are in prometheus_client's default
registry, which ``GET /metrics`` exports (merged across worker processes when
``PROMETHEUS_MULTIPROC_DIR`` is set; gauges say how they merge).

Labels are bounded and carry no case data: ``source`` is ``delius``, ``oasys`` or
``crc:<provider code>`` (codes come from the configured registry), ``outcome`` is one
of ``OUTCOMES`` and ``state`` a breaker state.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from adapters.errors import BackendError, BackendRejected, BackendTimeout

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: from a cached loopback answer to a request's whole deadline."""

OUTCOMES = ("ok", "rejected", "timeout", "unavailable", "cancelled")
"""How a backend call ended; a call refused by an open breaker is ``unavailable``."""

BACKEND_CALLS = Counter(
    "casegraph_backend_calls_total",
    "Calls to a backend (one per attempt), by source and outcome.",
    ["source", "outcome"],
)
BACKEND_CALL_SECONDS = Histogram(
    "casegraph_backend_call_duration_seconds",
    "How long one call to a backend took, by source.",
    ["source"],
    buckets=LATENCY_BUCKETS,
)
BREAKER_STATE = Gauge(
    "casegraph_backend_breaker_state",
    "Worker processes whose circuit breaker for a source is in a state (closed, open, half_open).",
    ["source", "state"],
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "casegraph_delius_pool_connections_in_use",
    "nDelius pool connections lent out to a statement or transaction, over all workers "
    "(sampled every second).",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "casegraph_delius_pool_waiting",
    "Callers waiting for an nDelius pool connection, over all workers (sampled every second).",
    multiprocess_mode="livesum",
)
AUDIT_WRITE_SECONDS = Histogram(
    "casegraph_audit_write_duration_seconds",
    "How long writing one request's audit rows took.",
    buckets=LATENCY_BUCKETS,
)
AUDIT_WRITE_FAILURES = Counter(
    "casegraph_audit_write_failures_total",
    "Audit writes that failed (the request's data was then withheld).",
)
SEARCH_REFRESHED_AT = Gauge(
    "casegraph_person_search_refreshed_timestamp_seconds",
    "Unix time of the latest successful person-search refresh by this server "
    "(the age is time() minus this).",
    multiprocess_mode="max",
)


class _Recording:
    """Whether this process records metrics: ``CASEGRAPH_METRICS_ENABLED``, set once by the
    application at start-up (``record_metrics``)."""

    on = True


def record_metrics(enabled: bool) -> None:
    """Record the metrics this module times and counts, or none of them."""
    _Recording.on = enabled


def recording_metrics() -> bool:
    """True unless metrics were turned off."""
    return _Recording.on


def outcome_of(error: BaseException | None) -> str:
    """The ``outcome`` label for a call that raised ``error`` (None: it succeeded)."""
    if error is None:
        return "ok"
    if isinstance(error, BackendTimeout | TimeoutError):
        return "timeout"
    if isinstance(error, BackendRejected):
        return "rejected"
    if isinstance(error, BackendError):
        return "unavailable"
    if isinstance(error, Exception):
        return "unavailable"
    return "cancelled"


_children: dict[tuple[object, ...], Any] = {}
"""Labelled children by metric and label values. Bounded as the labels are."""


def labelled(metric: Counter | Histogram, *values: str) -> Any:
    """``metric.labels(*values)``, found once: ``labels()`` takes a lock and checks every
    value on each call, several times what the increment costs, once per SQL statement."""
    key = (metric, *values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


def record_call(source: str, started: float, error: BaseException | None) -> None:
    """Count one backend call begun at ``started`` (``time.perf_counter``)."""
    if not _Recording.on:
        return
    elapsed = time.perf_counter() - started
    labelled(BACKEND_CALLS, source, outcome_of(error)).inc()
    labelled(BACKEND_CALL_SECONDS, source).observe(elapsed)


@contextmanager
def backend_call(source: str) -> Iterator[None]:
    """Count the call made inside the block, with its outcome and latency."""
    if not _Recording.on:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    except BaseException as error:
        record_call(source, started, error)
        raise
    record_call(source, started, None)


@contextmanager
def audit_write() -> Iterator[None]:
    """Time one audit write; count it as failed when the block raises."""
    if not _Recording.on:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    except Exception:
        AUDIT_WRITE_FAILURES.inc()
        raise
    finally:
        AUDIT_WRITE_SECONDS.observe(time.perf_counter() - started)


def search_refreshed() -> None:
    """The person search was refreshed just now."""
    if not _Recording.on:
        return
    SEARCH_REFRESHED_AT.set(time.time())

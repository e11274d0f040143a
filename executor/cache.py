"""Plans kept per document and schema version, bounded (LRU), with counters to watch them.

The key is the SHA-256 of the document's text, the schema version (a hash of its SDL)
and the operation name; one entry holds a plan per set of values of its variant variables
(``@skip``/``@include`` conditions, options of projected reads), or the reason the
document is not planned.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import GraphQLSchema, print_schema
from prometheus_client import Counter

from executor.plan import Operation, Plan
from resolvers.documents import sha256

MAX_DOCUMENTS = 512
MAX_VARIANTS = 8
"""Plans per document, one per combination of the values of its variant variables seen
(``@skip``/``@include`` conditions, options of projected reads)."""

CacheKey = tuple[str, str, str | None]
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Entry:
    """One document: its operation (or why it is not planned) and its plans."""

    operation: Operation | None
    reason: str | None
    plans: OrderedDict[tuple[Any, ...], Plan | str] = field(default_factory=OrderedDict)


class Metrics:
    """The planner's Prometheus counters: plan-cache hits and misses, fallbacks by reason.

    Reasons are bounded: a schema coordinate (``field:Query.me``) or a fixed word.
    """

    def __init__(self) -> None:
        self._lookups = Counter(
            "casegraph_plan_cache_lookups_total",
            "Plan-cache lookups by result: hit, or miss (the plan was compiled).",
            ["result"],
        )
        self._hits = self._lookups.labels("hit")
        self._misses = self._lookups.labels("miss")
        self._planned = Counter(
            "casegraph_planner_planned_total", "Requests answered from a compiled plan."
        )
        self._fallbacks = Counter(
            "casegraph_planner_fallbacks_total",
            "Requests the planner left to graphql-core, by reason.",
            ["reason"],
        )

    def hit(self) -> None:
        """Count a request whose plan (or verdict) was cached."""
        self._hits.inc()

    def miss(self) -> None:
        """Count a request whose plan was compiled."""
        self._misses.inc()

    def planned(self) -> None:
        """Count a request answered from its plan."""
        self._planned.inc()

    def fallback(self, reason: str) -> None:
        """Count one request sent to graphql-core."""
        self._fallbacks.labels(reason).inc()


METRICS = Metrics()
"""The planner's counters, in the default registry ``GET /metrics`` exports."""


class PlanCache:
    """Least-recently-used documents, each with its plans."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS) -> None:
        self._entries: OrderedDict[CacheKey, Entry] = OrderedDict()
        self._max = max_documents

    def get(self, key: CacheKey) -> Entry | None:
        """The entry for a document, marked as just used."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, entry: Entry) -> None:
        """Remember a document, forgetting the least recently used beyond the bound."""
        _keep(self._entries, key, entry, self._max)

    def __len__(self) -> int:
        return len(self._entries)


def remember_plan(entry: Entry, variant: tuple[Any, ...], plan: Plan | str) -> None:
    """Keep a plan (or a reason) for one variant, bounded per document."""
    _keep(entry.plans, variant, plan, MAX_VARIANTS)


def _keep(found: OrderedDict[K, V], key: K, value: V, bound: int) -> None:
    """Store as the most recently used, forgetting the least recently used beyond ``bound``."""
    found[key] = value
    found.move_to_end(key)
    while len(found) > bound:
        found.popitem(last=False)


_VERSIONS: dict[int, tuple[GraphQLSchema, str]] = {}


def schema_version(schema: GraphQLSchema) -> str:
    """A short hash of the schema's SDL, computed once per schema object."""
    known = _VERSIONS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    version = sha256(print_schema(schema))[:16]
    _VERSIONS[id(schema)] = (schema, version)
    return version


def document_key(query: str, schema: GraphQLSchema, operation_name: str | None) -> CacheKey:
    """The cache key of one document."""
    return (sha256(query), schema_version(schema), operation_name)

"""Case Graph's Grafana dashboard: the panels an on-call engineer looks at first.

Built with Grafana's own SDK (``grafana-foundation-sdk``), so the JSON follows Grafana's
dashboard model; ``casegraph.json`` beside this file is its output, and a test fails when
the two differ. Regenerate it with
``python -m deploy.grafana.dashboard > deploy/grafana/casegraph.json``. Import the JSON
into Grafana and pick the Prometheus data source that scrapes Case Graph.

Rows, top to bottom: traffic, errors (by code and by the backend that caused them),
latency by operation, backends (calls, latency, breakers), saturation (the nDelius pool,
audit writes, person-search age, the plan cache).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

RATE = "$__rate_interval"
"""Grafana's rate window; the README's picture puts a fixed window in its place."""


@dataclass(frozen=True)
class Query:
    """One PromQL expression and its series' legend."""

    expr: str
    legend: str


@dataclass(frozen=True)
class PanelSpec:
    """One time-series panel."""

    title: str
    description: str
    unit: str
    queries: tuple[Query, ...]


def _p95(metric: str, by: str) -> str:
    return f"histogram_quantile(0.95, sum by (le, {by}) (rate({metric}_bucket[{RATE}])))"


ROWS: tuple[tuple[str, tuple[PanelSpec, ...]], ...] = (
    (
        "Traffic",
        (
            PanelSpec(
                "Requests by operation",
                "GraphQL operations per second, by operation name (unnamed: anonymous; "
                "beyond the cap: other).",
                "reqps",
                (
                    Query(
                        f"sum by (operation) (rate(casegraph_graphql_requests_total[{RATE}]))",
                        "{{operation}}",
                    ),
                ),
            ),
            PanelSpec(
                "Requests by executor and outcome",
                "Planned or graphql-core; ok, partial (data with errors) or error (no data).",
                "reqps",
                (
                    Query(
                        "sum by (executor, outcome) "
                        f"(rate(casegraph_graphql_requests_total[{RATE}]))",
                        "{{executor}} {{outcome}}",
                    ),
                ),
            ),
        ),
    ),
    (
        "Errors",
        (
            PanelSpec(
                "Errors by code and source",
                "GraphQL errors sent to clients per second, by extensions.code and the "
                "backend that caused them (none: not a backend's).",
                "short",
                (
                    Query(
                        f"sum by (code, source) (rate(casegraph_graphql_errors_total[{RATE}]))",
                        "{{code}} {{source}}",
                    ),
                ),
            ),
            PanelSpec(
                "Share of requests not fully answered",
                "Requests with any error (partial or no data) over all requests.",
                "percentunit",
                (
                    Query(
                        "sum(rate(casegraph_graphql_requests_total"
                        f'{{outcome!="ok"}}[{RATE}])) / '
                        f"sum(rate(casegraph_graphql_requests_total[{RATE}]))",
                        "not ok",
                    ),
                ),
            ),
        ),
    ),
    (
        "Latency",
        (
            PanelSpec(
                "p95 latency by operation",
                "95th percentile of the time from parsing to the result, by operation.",
                "s",
                (
                    Query(
                        _p95("casegraph_graphql_request_duration_seconds", "operation"),
                        "{{operation}}",
                    ),
                ),
            ),
            PanelSpec(
                "p95 latency by executor",
                "The planned executor against graphql-core.",
                "s",
                (
                    Query(
                        _p95("casegraph_graphql_request_duration_seconds", "executor"),
                        "{{executor}}",
                    ),
                ),
            ),
        ),
    ),
    (
        "Backends",
        (
            PanelSpec(
                "Backend calls by source and outcome",
                "Calls (attempts) per second to nDelius, OASys and each CRC.",
                "reqps",
                (
                    Query(
                        f"sum by (source, outcome) (rate(casegraph_backend_calls_total[{RATE}]))",
                        "{{source}} {{outcome}}",
                    ),
                ),
            ),
            PanelSpec(
                "p95 backend latency by source",
                "95th percentile of one call's time, by backend.",
                "s",
                (Query(_p95("casegraph_backend_call_duration_seconds", "source"), "{{source}}"),),
            ),
            PanelSpec(
                "Breakers not closed",
                "Workers whose breaker for a backend is open (failing fast) or half-open.",
                "short",
                (
                    Query(
                        'sum by (source, state) (casegraph_backend_breaker_state{state!="closed"})',
                        "{{source}} {{state}}",
                    ),
                ),
            ),
        ),
    ),
    (
        "Saturation",
        (
            PanelSpec(
                "nDelius pool",
                "Connections lent out, and callers waiting for one, over all workers.",
                "short",
                (
                    Query("sum(casegraph_delius_pool_connections_in_use)", "in use"),
                    Query("sum(casegraph_delius_pool_waiting)", "waiting"),
                ),
            ),
            PanelSpec(
                "Audit writes",
                "p95 time to write a request's audit rows, and failed writes per second.",
                "s",
                (
                    Query(
                        "histogram_quantile(0.95, sum by (le) "
                        f"(rate(casegraph_audit_write_duration_seconds_bucket[{RATE}])))",
                        "p95",
                    ),
                    Query(f"sum(rate(casegraph_audit_write_failures_total[{RATE}]))", "failures/s"),
                ),
            ),
            PanelSpec(
                "Person search age",
                "Seconds since the person-search copy was last refreshed (empty until the "
                "server's first refresh).",
                "s",
                (
                    Query(
                        "time() - (max(casegraph_person_search_refreshed_timestamp_seconds) > 0)",
                        "age",
                    ),
                ),
            ),
            PanelSpec(
                "Plan cache hit ratio",
                "Requests whose compiled plan was reused, over all plan-cache lookups.",
                "percentunit",
                (
                    Query(
                        "sum(rate(casegraph_plan_cache_lookups_total"
                        f'{{result="hit"}}[{RATE}])) / '
                        f"sum(rate(casegraph_plan_cache_lookups_total[{RATE}]))",
                        "hits",
                    ),
                ),
            ),
        ),
    ),
)


def build() -> dict[str, Any]:
    """The dashboard as Grafana's JSON model."""
    from grafana_foundation_sdk.builders import prometheus, timeseries
    from grafana_foundation_sdk.builders.dashboard import Dashboard, DatasourceVariable, Row
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import DataSourceRef

    source = DataSourceRef(type_val="prometheus", uid="${datasource}")
    board = (
        Dashboard("Case Graph")
        .uid("casegraph")
        .description("Traffic, errors, latency, backends and saturation of Case Graph.")
        .tags(["casegraph", "graphql"])
        .refresh("30s")
        .time("now-1h", "now")
        .with_variable(DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
    )
    panel_id = 0
    for row, panels in ROWS:
        panel_id += 1
        board = board.with_row(Row(row).id(panel_id))
        for spec in panels:
            panel_id += 1
            panel = (
                timeseries.Panel()
                .id(panel_id)
                .title(spec.title)
                .description(spec.description)
                .unit(spec.unit)
                .datasource(source)
                .height(8)
                .span(24 // len(panels))
            )
            for ref, query in zip("ABCDEFGH", spec.queries, strict=False):
                panel = panel.with_target(
                    prometheus.Dataquery().expr(query.expr).legend_format(query.legend).ref_id(ref)
                )
            board = board.with_panel(panel)
    document: dict[str, Any] = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    return document


def to_json() -> str:
    """The committed file's text."""
    return json.dumps(build(), indent=2) + "\n"


if __name__ == "__main__":
    print(to_json(), end="")

"""A real Prometheus scrapes a two-worker server and finds the series a known load leaves."""

from __future__ import annotations

import time

import httpx
import pytest

from api.settings import Settings
from bench.prometheus import prometheus_scraping
from deploy.grafana.dashboard import ROWS
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from tests.conftest import Tokens
from tests.observability.cases import OVERVIEW, crns_known_everywhere
from tests.observability.serving import backend_env, serving

pytestmark = pytest.mark.asyncio(loop_scope="session")

OVERVIEWS = 20
BROKEN = 3
BROKEN_DOCUMENT = 'query Broken { case(crn: "X000001") { noSuchField } }'


async def test_prometheus_sees_the_whole_server_after_a_known_load(
    settings: Settings, oasys: OasysServer, crcs: CrcServers, tokens: Tokens
) -> None:
    env = backend_env(oasys, crcs) | {"CASEGRAPH_SEARCH_REFRESH_SECONDS": "1"}
    crns = crns_known_everywhere(oasys, crcs)
    providers = sorted(
        c for c, i in crcs.instances.items() if set(crns) & set(i.stand_in.dataset.cases)
    )
    started = time.time()
    async with serving(settings, env, tokens.header(), workers=2) as server:
        # A new connection per request, so both workers take a share.
        fresh = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=tokens.header(), timeout=10, limits=fresh
        ) as http:
            for i in range(OVERVIEWS):
                variables = {"crn": crns[i % len(crns)]}
                body = (
                    await http.post("/graphql", json={"query": OVERVIEW, "variables": variables})
                ).json()
                assert "errors" not in body, body
            for _ in range(BROKEN):
                body = (await http.post("/graphql", json={"query": BROKEN_DOCUMENT})).json()
                assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

        with prometheus_scraping(server.base_url.removeprefix("http://")) as prometheus:
            overview = 'operation="CaseOverview"'
            assert (
                await prometheus.wait_for(
                    f'sum(casegraph_graphql_requests_total{{{overview},outcome="ok"}})', OVERVIEWS
                )
                == OVERVIEWS
            )
            value = prometheus.value
            assert await value('up{job="casegraph"}') == 1
            assert (
                await value(f"sum(casegraph_graphql_request_duration_seconds_count{{{overview}}})")
                == OVERVIEWS
            )
            assert (
                await value(
                    'sum(casegraph_graphql_requests_total{operation="Broken",outcome="error"})'
                )
                == BROKEN
            )
            assert (
                await value(
                    'casegraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED",source="none"}'
                )
                == BROKEN
            )
            # Each overview asks OASys twice (risk, predictors) and its CRC at least once.
            assert (
                await value('sum(casegraph_backend_calls_total{source="oasys",outcome="ok"})')
                == 2 * OVERVIEWS
            )
            assert (
                await value('sum(casegraph_backend_call_duration_seconds_count{source="oasys"})')
                == 2 * OVERVIEWS
            )
            assert (
                await value('sum(casegraph_backend_calls_total{source="delius",outcome="ok"})') or 0
            ) >= OVERVIEWS
            for code in providers:
                assert (
                    await value(
                        f'sum(casegraph_backend_calls_total{{source="crc:{code}",outcome="ok"}})'
                    )
                    or 0
                ) > 0, code
            # Gauges merge over the live workers: both report a closed breaker per source.
            for source in ["oasys", *(f"crc:{code}" for code in sorted(crcs.instances))]:
                assert (
                    await value(
                        f'casegraph_backend_breaker_state{{source="{source}",state="closed"}}'
                    )
                    == 2
                ), source
                assert (
                    await value(
                        f'casegraph_backend_breaker_state{{source="{source}",state="open"}}'
                    )
                    == 0
                ), source
            assert await value("casegraph_delius_pool_connections_in_use") == 0
            assert await value("casegraph_delius_pool_waiting") == 0
            assert (await value("casegraph_audit_write_duration_seconds_count") or 0) >= OVERVIEWS
            assert await value("casegraph_audit_write_failures_total") == 0
            assert (
                await prometheus.wait_for(
                    "casegraph_person_search_refreshed_timestamp_seconds > bool 0", 1
                )
            ) == 1
            assert (
                await value("casegraph_person_search_refreshed_timestamp_seconds") or 0
            ) >= started
            assert (await value("sum(casegraph_plan_cache_lookups_total)") or 0) >= OVERVIEWS
            # Every panel of the dashboard has data to show after this load.
            for _row, panels in ROWS:
                for panel in panels:
                    for query in panel.queries:
                        expr = query.expr.replace("$__rate_interval", "1m")
                        assert await prometheus.wait_for(f"count({expr}) > bool 0", 1) == 1, expr

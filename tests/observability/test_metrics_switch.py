"""``CASEGRAPH_METRICS_ENABLED=false``: requests record no metric; ``/metrics`` says it is off."""

from __future__ import annotations

import dataclasses

from prometheus_client import REGISTRY

from adapters.delius import DeliusAdapter
from adapters.metrics import record_metrics
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import Tokens, in_process

QUERY = 'query Switched { case(crn: "X000000") { crn } }'


def recorded() -> tuple[float, float]:
    """This process's counts of nDelius calls and of ``Switched`` operations so far."""
    calls = REGISTRY.get_sample_value(
        "casegraph_backend_calls_total", {"source": "delius", "outcome": "ok"}
    )
    operations = sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "casegraph_graphql_requests"
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.labels.get("operation") == "Switched"
    )
    return calls or 0.0, operations


async def ask_and_scrape(settings: Settings, delius: DeliusAdapter, tokens: Tokens) -> int:
    """One query through an app built from ``settings``; the status of its ``/metrics``."""
    app = create_app(settings, backends=Backends(delius=delius))
    async with in_process(app, tokens.header()) as http:
        answer = await http.post("/graphql", json={"query": QUERY})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"] == {"case": None}
        scrape = await http.get("/metrics")
    if scrape.status_code == 404:
        assert scrape.text == "metrics are off (CASEGRAPH_METRICS_ENABLED=false)\n"
    return scrape.status_code


async def test_metrics_off_records_nothing_and_metrics_answers_404(
    settings: Settings, delius: DeliusAdapter, tokens: Tokens
) -> None:
    try:
        before = recorded()
        off = dataclasses.replace(settings, metrics_enabled=False)
        assert await ask_and_scrape(off, delius, tokens) == 404
        assert recorded() == before
    finally:
        record_metrics(True)  # the switch is process-wide: leave it as the other tests expect
    assert await ask_and_scrape(settings, delius, tokens) == 200
    calls, operations = recorded()
    assert calls > before[0]
    assert operations == before[1] + 1

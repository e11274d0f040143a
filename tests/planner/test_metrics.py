"""Plans are cached and counted; the counters are on GET /metrics, in Prometheus text."""

from __future__ import annotations

from executor.cache import Entry, PlanCache
from tests.metrics_text import scrape, value
from tests.planner.conftest import Both, World

DOCUMENT = "query Counted($crn: ID!) { case(crn: $crn) { crn tier { code } } }"


async def counters(both: Both) -> dict[str, float]:
    scraped = await scrape(both.planned)
    return {
        "hits": value(scraped, "casegraph_plan_cache_lookups_total", result="hit"),
        "misses": value(scraped, "casegraph_plan_cache_lookups_total", result="miss"),
        "planned": value(scraped, "casegraph_planner_planned_total"),
        "field:Query.caseEvents": value(
            scraped, "casegraph_planner_fallbacks_total", reason="field:Query.caseEvents"
        ),
    }


async def test_a_repeated_document_is_compiled_once(both: Both, world: World) -> None:
    before = await counters(both)
    for crn in world.ordinary[:3]:
        body = await both.same(DOCUMENT, {"crn": crn})
        assert body["path"] == "planned"
    after = await counters(both)
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 2
    assert after["planned"] - before["planned"] == 3


async def test_fallbacks_are_counted_with_their_reason(both: Both) -> None:
    before = await counters(both)
    body = await both.same("{ caseEvents(first: 1) { pageInfo { hasNextPage } } }")
    assert body["path"] == "graphql-core (field:Query.caseEvents)"
    after = await counters(both)
    assert after["field:Query.caseEvents"] - before["field:Query.caseEvents"] == 1


async def test_the_path_is_told_only_when_asked(both: Both, world: World) -> None:
    response = await both.planned.post(
        "/graphql", json={"query": DOCUMENT, "variables": {"crn": world.ordinary[0]}}
    )
    assert "extensions" not in response.json()
    assert response.json()["data"]["case"]["crn"] == world.ordinary[0]


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = PlanCache(max_documents=2)
    for name in ("a", "b"):
        cache.put((name, "v", None), Entry(None, name))
    assert cache.get(("a", "v", None)) is not None  # a is now the most recent
    cache.put(("c", "v", None), Entry(None, "c"))
    assert len(cache) == 2
    assert cache.get(("b", "v", None)) is None
    assert cache.get(("a", "v", None)) is not None

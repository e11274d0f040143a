"""A request's objects are freed by reference counting, not left to the cycle collector.

A reference cycle through a request's loaders keeps everything they cached (records,
futures, answers) alive until a collection finds it; under load those collections walked
tens of thousands of objects several times a second. Loader fetches therefore close over
ports and other loaders, never over the object that holds them, and the view clears the
loaders when a request ends.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx

from tests.planner import corpus
from tests.planner.conftest import ASK, Both, World


async def cyclic_garbage(send: Callable[[], Awaitable[httpx.Response]]) -> Counter[str]:
    """What the collector had to free after ``send``, by module and type name."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = await send()
        assert response.status_code == 200
        assert "errors" not in response.json()
        gc.collect()
        return Counter(f"{type(item).__module__}.{type(item).__qualname__}" for item in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def requests(world: World) -> list[tuple[str, dict[str, Any]]]:
    return [
        (corpus.EVERYTHING, {"crn": world.ordinary[0]}),
        (corpus.EVERYTHING_LIST, {"crns": world.ordinary[:50]}),
        (corpus.PROJECTED_LIST, {"crns": world.ordinary[:50]}),
    ]


async def test_planned_requests_leave_no_cycles(both: Both, world: World) -> None:
    for document, variables in requests(world):
        body = {"query": document, "variables": variables}
        first = await both.planned.post("/graphql", json={**body, "extensions": ASK})
        assert first.json()["extensions"]["casegraphExecution"] == "planned"
        garbage = await cyclic_garbage(partial(both.planned.post, "/graphql", json=body))
        assert not garbage, garbage.most_common(10)


async def test_graphql_core_requests_leave_no_records_in_cycles(both: Both, world: World) -> None:
    """graphql-core's execution context is a cycle of its own; it holds no records."""
    for document, variables in requests(world):
        body = {"query": document, "variables": variables}
        await both.classic.post("/graphql", json=body)
        garbage = await cyclic_garbage(partial(both.classic.post, "/graphql", json=body))
        ours = {
            name: count
            for name, count in garbage.items()
            if name.startswith(("adapters.", "_asyncio.", "asyncio."))
        }
        assert not ours, ours
        assert sum(garbage.values()) < 1_000, garbage.most_common(10)

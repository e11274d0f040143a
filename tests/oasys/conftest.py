"""Fixtures: a seeded dataset, the stand-in OASys on a free loopback port, adapter clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import date
from typing import Any

import pytest

from adapters.oasys.client import OasysClient
from sandbox.oasys import CaseFacts, OasysDataset, OasysServer, SentencedEvent, build_dataset

SEED = 20261126
ROSH_CODES = ("RLRH", "RMRH", "RHRH", "RVHR", None)
ClientFactory = Callable[..., Awaitable[OasysClient]]


def case_facts(count: int = 60) -> list[CaseFacts]:
    """A varied caseload: every RoSH code, LAO cases, and every 7th case never sentenced."""
    facts = []
    for n in range(count):
        events = tuple(
            SentencedEvent(e + 1, date(2019 + (n + e) % 6, 1 + (n * 5 + e) % 12, 1 + n % 27))
            for e in range(0 if n % 7 == 3 else 1 + n % 3)
        )
        facts.append(
            CaseFacts(
                crn=f"X{100000 + n:06d}",
                limited_access=n % 11 == 5,
                sentenced_events=events,
                rosh_registration=ROSH_CODES[n % len(ROSH_CODES)],
            )
        )
    return facts


@pytest.fixture(scope="session")
def dataset() -> OasysDataset:
    return build_dataset(case_facts(), SEED)


@pytest.fixture(scope="session")
def stand_in(dataset: OasysDataset) -> Iterator[OasysServer]:
    with OasysServer(dataset) as server:
        yield server


@pytest.fixture
def server(stand_in: OasysServer) -> Iterator[OasysServer]:
    """The session's stand-in with no faults and zeroed counters, reset again afterwards."""
    stand_in.control(reset=True, reset_counters=True)
    yield stand_in
    stand_in.control(reset=True, reset_counters=True)


@pytest.fixture
async def make_client(server: OasysServer) -> AsyncIterator[ClientFactory]:
    """Build adapter clients (closed at teardown); defaults suit fast, uncached tests."""
    made: list[OasysClient] = []

    async def make(url: str | None = None, **options: Any) -> OasysClient:
        settings: dict[str, Any] = {
            "timeout": 2.0,
            "concurrency": 20,
            "breaker_failures": 5,
            "breaker_reset": 30.0,
            "cache_seconds": 0.0,
            "deadline": 5.0,
        }
        settings.update(options)
        client = await OasysClient.create(url or server.url, **settings)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
async def client(make_client: ClientFactory) -> OasysClient:
    return await make_client()

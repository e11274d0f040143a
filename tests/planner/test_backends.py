"""Both paths, the same bytes, with OASys and the CRCs behind them: healthy, failing, absent.

The stand-ins run on loopback (the fixtures of tests/api/test_backends_degrade.py, reset
before each test); each fault is injected before a pair of requests, one per path, so
both see the same backend. Budgets are tight (0.5 s) where a fault is injected, so
timeouts show quickly, and the default (3 s) elsewhere, so a busy machine is not a fault.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.delius import DeliusAdapter
from api.settings import Settings
from bench import documents
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from tests.api.test_backends_degrade import _healthy, app_client, crc_case, crcs, oasys
from tests.conftest import Tokens
from tests.metrics_text import scrape
from tests.planner import corpus
from tests.planner.conftest import ASK, Both, World

__all__ = ["_healthy", "crcs", "oasys"]  # the stand-ins' fixtures, shared

TIGHT = 0.5
PATIENT = 3.0


@dataclasses.dataclass
class Stands:
    """What the apps under test are built from."""

    settings: Settings
    delius: DeliusAdapter
    oasys: OasysServer
    crcs: CrcServers
    tokens: Tokens


@pytest.fixture
def stands(
    settings: Settings, delius: DeliusAdapter, oasys: OasysServer, crcs: CrcServers, tokens: Tokens
) -> Stands:
    return Stands(settings, delius, oasys, crcs, tokens)


@contextlib.asynccontextmanager
async def pair(stands: Stands, budget: float = PATIENT, **backends: Any) -> AsyncIterator[Both]:
    """The planned app and the graphql-core app over the same stand-ins."""
    s = stands
    async with (
        app_client(
            dataclasses.replace(s.settings, planner=True),
            s.delius, s.oasys, s.crcs, s.tokens, budget, **backends,
        ) as planned,
        app_client(
            dataclasses.replace(s.settings, planner=False),
            s.delius, s.oasys, s.crcs, s.tokens, budget, **backends,
        ) as classic,
    ):  # fmt: skip
        yield Both(planned, classic)


@pytest.fixture
async def both_backends(stands: Stands) -> AsyncIterator[Both]:
    async with pair(stands) as apps:
        yield apps


@pytest.fixture
async def both_failing(stands: Stands) -> AsyncIterator[Both]:
    async with pair(stands, TIGHT) as apps:
        yield apps


async def held(world: World, sql: Any) -> list[str]:
    """CRNs that reach every branch: held by a CRC with a RoSH, by a CRC, ordinary,
    limited access, unknown."""
    crn, _ = await crc_case(sql)
    return [crn, world.partner_held[0], world.ordinary[0], world.restricted[0], "Z999999"]


async def same_everywhere(both: Both, world: World, crns: list[str], document: str) -> int:
    """Sends the document for every CRN as every caller; returns how many were planned."""
    planned = 0
    for headers in world.callers.values():
        for crn in crns:
            body = await both.same(document, {"crn": crn}, headers=headers)
            planned += body["path"] == "planned"
    return planned


@pytest.mark.parametrize(
    "document",
    [corpus.RISK_AND_PARTNER, documents.readme_overview()],
    ids=["risk-and-partner", "readme-overview"],
)
async def test_healthy_backends(both_backends: Both, world: World, sql: Any, document: str) -> None:
    crns = await held(world, sql)
    planned = await same_everywhere(both_backends, world, crns, document)
    assert planned == len(crns) * len(world.callers)
    body = await both_backends.same(document, {"crn": crns[0]})
    case = body["data"]["case"]
    assert case["riskOfSeriousHarm"]["overallRiskLevel"]
    assert case["partner"]["status"]
    assert "errors" not in body


async def test_lists_with_backends(both_backends: Both, world: World, sql: Any) -> None:
    crns = [*await held(world, sql), *world.partner_held, *world.ordinary[:10]]
    for headers in world.callers.values():
        body = await both_backends.same(
            corpus.RISK_AND_PARTNER_LIST, {"crns": crns}, headers=headers
        )
        assert body["path"] == "planned"


async def test_appointment_windows(both_backends: Both, world: World, sql: Any) -> None:
    crn, _ = await crc_case(sql)
    for variables in (
        {},
        {"first": None},
        {"first": 0},
        {"first": 3},
        {"first": 101},
        {"first": -1},
        {"from": "2030-01-02", "to": "2030-01-01"},
        {"from": "2020-01-01", "to": "2030-01-01", "first": 50},
    ):
        body = await both_backends.same(corpus.APPOINTMENT_WINDOWS, {"crn": crn, **variables})
        assert body["path"] == "planned", variables


OASYS_FAULTS = [
    {"down": True},
    {"hang": True},
    {"error_rate": 1.0},
    {"fail_next": 1000, "fail_retryable": False},
]
CRC_FAULTS = [{"down": True}, {"hang": True}, {"error_rate": 1.0}, {"malformed": True}]


@pytest.mark.parametrize("fault", OASYS_FAULTS, ids=lambda f: next(iter(f)))
async def test_oasys_faults(
    both_failing: Both, world: World, sql: Any, oasys: OasysServer, fault: dict[str, Any]
) -> None:
    crn, _ = await crc_case(sql)
    oasys.control(**fault)
    body = await both_failing.same(corpus.RISK_AND_PARTNER, {"crn": crn})
    assert body["path"] == "planned"
    assert {e["extensions"]["source"] for e in body["errors"]} == {"oasys"}
    assert body["data"]["case"]["partner"]["status"]


@pytest.mark.parametrize("fault", CRC_FAULTS, ids=lambda f: next(iter(f)))
async def test_crc_faults(
    both_failing: Both, world: World, sql: Any, crcs: CrcServers, fault: dict[str, Any]
) -> None:
    crn, provider = await crc_case(sql)
    await both_failing.same(corpus.LIMITED, {"crn": crn})
    crcs[provider].faults.apply(fault)
    for document in (corpus.RISK_AND_PARTNER, documents.readme_overview()):
        body = await both_failing.same(document, {"crn": crn})
        assert body["path"] == "planned"
        assert {e["extensions"]["source"] for e in body["errors"]} == {f"crc:{provider}"}
        assert body["data"]["case"]["riskOfSeriousHarm"] is not None


async def test_no_oasys_configured(stands: Stands, world: World, sql: Any) -> None:
    async with pair(stands, with_oasys=False) as both:
        crns = await held(world, sql)
        planned = await same_everywhere(both, world, crns, corpus.RISK_AND_PARTNER)
        assert planned == len(crns) * len(world.callers)
        body = await both.same(corpus.RISK_AND_PARTNER, {"crn": crns[0]})
        assert body["data"]["case"]["assessments"] is None
        assert body["data"]["case"]["partner"]["status"]


async def test_a_crc_not_registered_or_not_holding_the_case(
    stands: Stands, world: World, sql: Any, crcs: CrcServers
) -> None:
    crn, provider = await crc_case(sql)
    other = next(code for code in crcs.registry() if code != provider)
    registries = {
        "not registered": {},
        "not holding": {**crcs.registry(), provider: crcs.registry()[other]},
    }
    for registry in registries.values():
        async with pair(stands, registry=registry) as both:
            body = await both.same(corpus.RISK_AND_PARTNER, {"crn": crn})
            assert body["path"] == "planned"
            assert body["data"]["case"]["partner"] is None
            assert body["data"]["case"]["riskOfSeriousHarm"] is not None


async def test_the_readme_overview_never_falls_back(
    both_backends: Both, world: World, sql: Any
) -> None:
    crn, _ = await crc_case(sql)

    async def fallbacks() -> float:
        scraped = await scrape(both_backends.planned)
        return sum(
            v for (name, _), v in scraped.items() if name == "casegraph_planner_fallbacks_total"
        )

    before = await fallbacks()
    for _ in range(3):
        body = await both_backends.same(documents.readme_overview(), {"crn": crn})
        assert body["path"] == "planned"
        assert "errors" not in body
    assert await fallbacks() == before


async def test_the_plan_asks_for_partner_fields_alongside_the_case(
    both_backends: Both, sql: Any, crcs: CrcServers
) -> None:
    """The look-ahead worked out when compiling: the sub-fields' calls go out with the
    batchGet, once each, while the aliased window from a variable loads on its own."""
    crn, provider = await crc_case(sql)
    document = """query($crn: ID!, $n: Int) { case(crn: $crn) { partner { status
      appointments(first: 5) { start } interventions { name } unpaidWork { hoursOrdered }
      later: appointments(first: $n) { start } } } }"""
    await both_backends.same(document, {"crn": crn, "n": 2})  # tokens are fetched first
    crcs[provider].faults.apply({"reset": True, "latency_ms": 100})
    response = await both_backends.planned.post(
        "/graphql",
        json={"query": document, "variables": {"crn": crn, "n": 2}, "extensions": ASK},
    )
    assert response.json()["extensions"]["casegraphExecution"] == "planned"
    calls = dict(crcs[provider].faults.calls)
    assert calls == {
        "batchGetCases": 1,
        "listAppointments": 2,
        "listInterventions": 1,
        "getUnpaidWork": 1,
    }
    assert crcs[provider].faults.max_in_flight == 4  # all but the later window at once

"""Partial results: a slow or failing OASys or CRC nulls only its own fields, coded."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from adapters.crc import CrcClient
from adapters.crc.connection import CrcConnection
from adapters.delius import DeliusAdapter
from adapters.oasys.client import OasysClient
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from sandbox.crc import CrcServers, build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts
from sandbox.oasys.dataset import build_dataset
from sandbox.oasys.delius import facts_from_delius as oasys_facts
from sandbox.oasys.server import OasysServer
from tests.conftest import Tokens, in_process

OVERVIEW = """query($crn: ID!) { case(crn: $crn) {
  crn name { surname } events { number }
  riskOfSeriousHarm { overallRiskLevel } predictorScores { ogrs { band } }
  partner { status provider { code } practitioner { code } }
} }"""


@pytest.fixture(scope="session")
async def oasys(dsn: str) -> AsyncIterator[OasysServer]:
    server = OasysServer(build_dataset(await oasys_facts(dsn), seed=7)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def crcs(dsn: str) -> AsyncIterator[CrcServers]:
    servers = start_crc_servers(build_datasets(await crc_facts(dsn), seed=7), base_port=0)
    yield servers
    servers.stop()


def _drain(oasys: OasysServer) -> None:
    """Reset the faults, and wait (bounded) for calls released by the reset to finish."""
    deadline = time.monotonic() + 5
    oasys.control(reset=True)
    while oasys.state.in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    oasys.control(reset=True, reset_counters=True)


@pytest.fixture(autouse=True)
def _healthy(oasys: OasysServer, crcs: CrcServers) -> Iterator[None]:
    _drain(oasys)
    for instance in crcs.instances.values():
        instance.faults.apply({"reset": True})
    yield
    oasys.control(reset=True)
    for instance in crcs.instances.values():
        instance.faults.apply({"reset": True})


@contextlib.asynccontextmanager
async def app_client(
    settings: Settings,
    delius: DeliusAdapter,
    oasys: OasysServer,
    crcs: CrcServers,
    tokens: Tokens,
    budget: float,
    *,
    with_oasys: bool = True,
    registry: dict[str, dict[str, str]] | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with every backend, each call given ``budget`` seconds (without OASys, or
    with another CRC registry, when asked)."""
    oasys_client = await OasysClient.create(
        oasys.url,
        timeout=budget,
        concurrency=20,
        breaker_failures=50,
        breaker_reset=1.0,
        cache_seconds=0,
        deadline=2 * budget,
    )
    crc_client = CrcClient.create(
        [
            CrcConnection(code, entry["url"], entry["clientId"], entry["clientSecret"])
            for code, entry in (crcs.registry() if registry is None else registry).items()
        ],
        timeout=budget,
        concurrency=20,
        breaker_failures=50,
        breaker_reset=1.0,
        deadline=2 * budget,
    )
    backends = Backends(delius=delius, oasys=oasys_client if with_oasys else None, crc=crc_client)
    app = create_app(settings, backends=backends)
    async with in_process(app, tokens.header()) as client:
        yield client
    await oasys_client.aclose()
    await crc_client.aclose()


@pytest.fixture
async def http(
    settings: Settings, delius: DeliusAdapter, oasys: OasysServer, crcs: CrcServers, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    """Tight budgets, so faults show quickly."""
    async with app_client(settings, delius, oasys, crcs, tokens, budget=0.5) as client:
        yield client


@pytest.fixture
async def patient_http(
    settings: Settings, delius: DeliusAdapter, oasys: OasysServer, crcs: CrcServers, tokens: Tokens
) -> AsyncIterator[httpx.AsyncClient]:
    """The default budgets, so a busy machine does not turn into retries."""
    async with app_client(settings, delius, oasys, crcs, tokens, budget=3.0) as client:
        yield client


async def crc_case(sql: Any) -> tuple[str, str]:
    row = await sql.fetchrow(
        """SELECT o.crn, pa.code FROM offender o
           JOIN offender_manager om ON om.offender_id = o.offender_id
                AND om.active_flag = 1 AND om.soft_deleted = 0
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id AND pa.private = 1
           JOIN registration g ON g.offender_id = o.offender_id AND g.soft_deleted = 0
                AND g.deregistered = 0
           JOIN r_register_type rt ON rt.register_type_id = g.register_type_id
                AND rt.code IN ('RLRH', 'RMRH', 'RHRH', 'RVHR')
           WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
             AND EXISTS (SELECT 1 FROM event e JOIN disposal d ON d.event_id = e.event_id
                         AND d.soft_deleted = 0
                         WHERE e.offender_id = o.offender_id AND e.soft_deleted = 0)
           ORDER BY o.crn LIMIT 1"""
    )
    return row["crn"].strip(), row["code"].strip()


async def overview(http: httpx.AsyncClient, crn: str) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": OVERVIEW, "variables": {"crn": crn}})
    assert response.status_code == 200
    assert "Envelope" not in response.text
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    return body


def coded(body: dict[str, Any]) -> list[tuple[tuple[str, ...], str, str]]:
    return sorted(
        (tuple(e["path"]), e["extensions"]["code"], e["extensions"].get("source", ""))
        for e in body.get("errors", [])
    )


async def test_all_backends_answer(http: httpx.AsyncClient, sql: Any) -> None:
    crn, provider = await crc_case(sql)
    body = await overview(http, crn)
    assert "errors" not in body
    case = body["data"]["case"]
    assert case["riskOfSeriousHarm"]["overallRiskLevel"] in {"LOW", "MEDIUM", "HIGH", "VERY_HIGH"}
    assert case["partner"]["provider"]["code"] == provider


async def test_slow_oasys_nulls_only_the_risk_fields(
    http: httpx.AsyncClient, oasys: OasysServer, sql: Any
) -> None:
    crn, _ = await crc_case(sql)
    oasys.control(hang=True)
    body = await overview(http, crn)
    case = body["data"]["case"]
    assert case["riskOfSeriousHarm"] is None
    assert case["predictorScores"] is None
    assert case["name"]["surname"]
    assert case["partner"]["status"]
    assert coded(body) == [
        (("case", "predictorScores"), "UPSTREAM_TIMEOUT", "oasys"),
        (("case", "riskOfSeriousHarm"), "UPSTREAM_TIMEOUT", "oasys"),
    ]


async def test_oasys_down_is_unavailable(
    http: httpx.AsyncClient, oasys: OasysServer, sql: Any
) -> None:
    crn, _ = await crc_case(sql)
    oasys.control(down=True)
    body = await overview(http, crn)
    assert body["data"]["case"]["events"] is not None
    assert {code for _, code, _ in coded(body)} == {"UPSTREAM_UNAVAILABLE"}
    assert {source for _, _, source in coded(body)} == {"oasys"}


async def test_a_crc_down_nulls_only_its_partner_field(
    http: httpx.AsyncClient, crcs: CrcServers, sql: Any
) -> None:
    crn, provider = await crc_case(sql)
    crcs[provider].faults.apply({"down": True})
    body = await overview(http, crn)
    case = body["data"]["case"]
    assert case["partner"] is None
    assert case["riskOfSeriousHarm"] is not None
    assert coded(body) == [(("case", "partner"), "UPSTREAM_UNAVAILABLE", f"crc:{provider}")]


async def test_fifty_cases_make_one_soap_call_per_case_and_operation(
    patient_http: httpx.AsyncClient, oasys: OasysServer, sql: Any
) -> None:
    crns = [
        row[0].strip()
        for row in await sql.fetch(
            "SELECT crn FROM offender WHERE soft_deleted = 0 AND current_exclusion = 0 "
            "AND current_restriction = 0 ORDER BY crn LIMIT 50"
        )
    ]
    oasys.control(latency_ms=50)  # so that concurrent calls overlap at the server
    response = await patient_http.post(
        "/graphql",
        json={
            "query": "query($c: [ID!]!) { cases(crns: $c) { crn riskOfSeriousHarm "
            "{ overallRiskLevel } r2: riskOfSeriousHarm { assessedOn } predictorScores "
            "{ completedDate } } }",
            "variables": {"c": crns},
        },
    )
    assert "errors" not in response.json()
    state = oasys.state
    assert state.calls["GetRiskOfSeriousHarm"] == 50
    assert state.calls["GetPredictorScores"] == 50
    assert max(state.calls_by_crn.values()) == 1
    assert state.max_in_flight > 1  # concurrent, not one after another


async def test_partner_fields_are_asked_for_alongside_the_case(
    http: httpx.AsyncClient, crcs: CrcServers, sql: Any
) -> None:
    """The appointments and interventions calls go out with the batchGet, once each."""
    crn, provider = await crc_case(sql)
    await overview(http, crn)  # a token is fetched first; count what follows
    crcs[provider].faults.apply({"reset": True, "latency_ms": 100})
    response = await http.post(
        "/graphql",
        json={
            "query": "query($crn: ID!) { case(crn: $crn) { partner { status "
            "appointments(first: 5) { start } interventions { name } unpaidWork "
            "{ hoursOrdered } } } }",
            "variables": {"crn": crn},
        },
    )
    assert response.json()["data"]["case"]["partner"]["status"]
    calls = dict(crcs[provider].faults.calls)
    assert crcs[provider].faults.max_in_flight == len(calls)  # all at once, not in turn
    assert calls == {
        "batchGetCases": 1,
        "listAppointments": 1,
        "listInterventions": 1,
        "getUnpaidWork": 1,
    }

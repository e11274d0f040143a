"""The CRC adapter when partners misbehave: throttling, hangs, outages, garbage, the breaker."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from adapters.crc import CrcClient, CrcConnection
from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable
from adapters.resilience import BreakerState
from sandbox.crc import CrcServers
from tests.crc.data import connections, crns_of

ClientFactory = Callable[..., CrcClient]


@pytest.fixture
async def make_client(crc: CrcServers) -> AsyncIterator[ClientFactory]:
    made: list[CrcClient] = []

    def factory(**options: float) -> CrcClient:
        client = CrcClient.create(connections(crc), **options)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


async def test_retry_after_is_honoured_within_the_deadline(
    crc: CrcServers, make_client: ClientFactory
) -> None:
    client = make_client(timeout=2.0, deadline=4.0)
    crn = crns_of("C01")[0]
    await client.unpaid_work("C01", crn)  # token in hand
    crc["C01"].faults.apply({"rate_limit": {"requests": 1, "retry_after": 1}})
    started = time.monotonic()
    assert await client.interventions("C01", crn) is not None
    assert time.monotonic() - started >= 0.95  # it waited as long as the server asked
    assert crc["C01"].faults.calls["listInterventions"] == 2


async def test_retry_after_beyond_the_deadline_fails_fast(
    crc: CrcServers, make_client: ClientFactory
) -> None:
    client = make_client(timeout=2.0, deadline=3.0)
    crn = crns_of("C01")[0]
    await client.unpaid_work("C01", crn)
    crc["C01"].faults.apply({"rate_limit": {"requests": 5, "retry_after": 30}})
    with pytest.raises(BackendUnavailable) as caught:
        await client.interventions("C01", crn)
    assert not isinstance(caught.value, BackendTimeout)
    assert caught.value.source == "crc:C01"
    assert crc["C01"].faults.calls["listInterventions"] == 1


async def test_a_hung_partner_times_out(crc: CrcServers, make_client: ClientFactory) -> None:
    client = make_client(timeout=0.3, deadline=0.5, retries=1)
    crn = crns_of("C02")[0]
    await client.unpaid_work("C02", crn)
    crc["C02"].faults.apply({"hang": True})
    with pytest.raises(BackendTimeout) as caught:
        await client.unpaid_work("C02", crn)
    assert caught.value.source == "crc:C02"


async def test_a_partner_that_is_down_is_unavailable(
    crc: CrcServers, make_client: ClientFactory
) -> None:
    client = make_client(timeout=1.0, deadline=2.0)
    crc["C03"].faults.apply({"down": True})
    with pytest.raises(BackendUnavailable) as caught:
        await client.cases("C03", crns_of("C03")[:2])
    assert caught.value.source == "crc:C03"
    assert crc["C03"].faults.calls["issueToken"] == 3  # retried, each time refused with 503


async def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connection = CrcConnection("C09", f"http://127.0.0.1:{port}/partner/v1", "id", "secret")
    client = CrcClient.create([connection], timeout=1.0, deadline=2.0)
    try:
        with pytest.raises(BackendUnavailable) as caught:
            await client.cases("C09", ["X100000"])
    finally:
        await client.aclose()
    assert caught.value.source == "crc:C09"
    assert not isinstance(caught.value, BackendTimeout)


async def test_an_unregistered_provider_is_unavailable(client: CrcClient) -> None:
    assert not client.knows("C21")
    with pytest.raises(BackendUnavailable) as caught:
        await client.unpaid_work("C21", "X100000")
    assert caught.value.source == "crc:C21"


async def test_a_malformed_body_is_unavailable(crc: CrcServers, make_client: ClientFactory) -> None:
    client = make_client(timeout=1.0, deadline=2.0, retries=1)
    crc["C01"].faults.apply({"malformed": True})
    with pytest.raises(BackendUnavailable) as caught:
        await client.cases("C01", crns_of("C01")[:3])
    assert "malformed" in str(caught.value)


async def test_occasional_503s_are_retried(crc: CrcServers, make_client: ClientFactory) -> None:
    client = make_client(timeout=1.0, deadline=3.0, retries=3)
    crn = crns_of("C02")[0]
    await client.unpaid_work("C02", crn)
    crc["C02"].faults.apply({"error_rate": 0.5})
    results = [await client.unpaid_work("C02", crn) for _ in range(6)]
    assert all(result is not None for result in results)
    assert crc["C02"].faults.calls["getUnpaidWork"] > 7  # some attempts failed and were retried


async def test_breaker_opens_then_half_opens_and_closes(
    crc: CrcServers, make_client: ClientFactory
) -> None:
    client = make_client(
        timeout=1.0, deadline=2.0, retries=1, breaker_failures=2, breaker_reset=0.5
    )
    system = client.systems["C03"]
    crn = crns_of("C03")[0]
    await client.interventions("C03", crn)
    crc["C03"].faults.apply({"down": True})
    for _ in range(2):
        with pytest.raises(BackendUnavailable):
            await client.interventions("C03", crn)
    assert system.guard.breaker.state is BreakerState.OPEN
    reached = crc["C03"].faults.calls["listInterventions"]
    with pytest.raises(BackendUnavailable, match="circuit open"):
        await client.interventions("C03", crn)
    assert crc["C03"].faults.calls["listInterventions"] == reached  # failed fast
    crc["C03"].faults.apply({"down": False})
    for _ in range(50):  # bounded wait for the pause to pass
        if system.guard.breaker.state is BreakerState.HALF_OPEN:
            break
        await asyncio.sleep(0.05)
    assert system.guard.breaker.state is BreakerState.HALF_OPEN
    assert await client.interventions("C03", crn) is not None
    assert system.guard.breaker.state is BreakerState.CLOSED


async def test_refusals_do_not_trip_the_breaker(make_client: ClientFactory) -> None:
    client = make_client(timeout=1.0, deadline=2.0, breaker_failures=2)
    for _ in range(4):
        with pytest.raises(BackendRejected):
            await client.unpaid_work("C01", "bad")
    assert client.systems["C01"].guard.breaker.state is BreakerState.CLOSED


async def test_secrets_and_case_data_stay_out_of_reprs_and_messages(
    crc: CrcServers, make_client: ClientFactory
) -> None:
    client = make_client(timeout=1.0, deadline=2.0, retries=1)
    secret = crc["C01"].credentials.client_secret
    crn = crns_of("C01")[0]
    await client.unpaid_work("C01", crn)
    token = client.systems["C01"].tokens._token
    assert token
    crc["C01"].faults.apply({"down": True})
    with pytest.raises(BackendUnavailable) as caught:
        await client.unpaid_work("C01", crn)
    texts = [
        repr(client),
        repr(client.systems["C01"]),
        repr(client.systems["C01"].tokens),
        repr(connections(crc)[0]),
        str(connections(crc)[0]),
        repr(crc["C01"]),
        repr(crc["C01"].credentials),
        str(caught.value),
        repr(caught.value),
    ]
    for text in texts:
        assert secret not in text
        assert token not in text
        assert crn not in text


async def test_control_endpoint_reports_calls_and_faults(crc: CrcServers) -> None:
    base = f"http://127.0.0.1:{crc['C02'].port}"
    async with httpx.AsyncClient(base_url=base) as http:
        set_faults = await http.post("/_control", json={"latency_ms": 5, "down": True})
        assert set_faults.json()["faults"]["down"] is True
        await http.post("/partner/v1/oauth/token", data={"grant_type": "client_credentials"})
        state = (await http.get("/_control")).json()
        assert state["calls"] == {"issueToken": 1}
        state = (await http.post("/_control", json={"reset": True})).json()
    assert state["calls"] == {}
    assert state["faults"]["down"] is False
    assert state["faults"]["latency_ms"] == 0

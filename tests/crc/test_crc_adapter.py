"""The CRC adapter against real stand-ins: tokens, batches, pages, scoping and refusals."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from adapters.crc import CrcClient, CrcConnection
from adapters.errors import BackendRejected
from sandbox.crc import CrcDataset, CrcServers
from tests.crc.data import BUSY_APPOINTMENTS, BUSY_CRN, connections, crns_of, make_facts


async def test_one_token_serves_many_reads(crc: CrcServers, client: CrcClient) -> None:
    held = crns_of("C01")[:5]
    await asyncio.gather(
        *(client.interventions("C01", crn) for crn in held),
        *(client.unpaid_work("C01", crn) for crn in held),
        client.cases("C01", held),
    )
    assert crc["C01"].faults.calls["issueToken"] == 1
    assert crc["C01"].faults.calls["listInterventions"] == 5
    assert client.systems["C01"].tokens.fetches == 1


async def test_token_is_refreshed_before_it_expires(crc: CrcServers, client: CrcClient) -> None:
    crc["C02"].faults.apply({"token_ttl": 1})
    crn = crns_of("C02")[0]
    assert await client.unpaid_work("C02", crn) is not None
    await asyncio.sleep(0.9)  # past the refresh point (80% of expires_in)
    assert await client.unpaid_work("C02", crn) is not None
    assert crc["C02"].faults.calls["issueToken"] == 2
    assert crc["C02"].faults.calls["getUnpaidWork"] == 2


async def test_a_refused_token_is_replaced_once(crc: CrcServers, client: CrcClient) -> None:
    crn = crns_of("C01")[0]
    await client.interventions("C01", crn)
    crc["C01"].stand_in.tokens.revoke_all()
    assert await client.interventions("C01", crn) is not None
    assert crc["C01"].faults.calls["issueToken"] == 2
    assert crc["C01"].faults.calls["listInterventions"] == 3


async def test_wrong_client_secret_is_a_rejection(crc: CrcServers) -> None:
    good = connections(crc)[0]
    bad = CrcConnection(good.provider_code, good.base_url, good.client_id, "not-the-secret")
    client = CrcClient.create([bad], timeout=2.0, deadline=3.0)
    try:
        with pytest.raises(BackendRejected) as caught:
            await client.cases("C01", crns_of("C01")[:1])
    finally:
        await client.aclose()
    assert caught.value.source == "crc:C01"
    assert crc["C01"].faults.calls["batchGetCases"] == 0


async def test_appointments_follow_the_cursor_over_pages(
    crc: CrcServers, client: CrcClient, datasets: dict[str, CrcDataset]
) -> None:
    records = await client.appointments("C01", BUSY_CRN, date_from=None, date_to=None, limit=230)
    assert records is not None
    assert len(records) == 230
    assert crc["C01"].faults.calls["listAppointments"] == 3  # 100 + 100 + 30
    expected = [a.id for a in datasets["C01"].appointments[BUSY_CRN]][:230]
    assert [r.id for r in records] == expected
    assert [r.start for r in records] == sorted(r.start for r in records)


async def test_appointments_stop_at_the_last_page(client: CrcClient) -> None:
    records = await client.appointments("C01", BUSY_CRN, date_from=None, date_to=None, limit=1000)
    assert records is not None
    synced = [r for r in records if r.delius_contact_id is not None]
    assert len(synced) == BUSY_APPOINTMENTS
    assert len({r.id for r in records}) == len(records)


async def test_appointment_dates_are_inclusive_london_days(client: CrcClient) -> None:
    # The busy case has one synchronised appointment a day from 2025-01-06.
    records = await client.appointments(
        "C01", BUSY_CRN, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31), limit=100
    )
    assert records is not None
    days = sorted({r.start.date() for r in records if r.delius_contact_id is not None})
    assert days[0] == date(2025, 3, 1)
    assert days[-1] == date(2025, 3, 31)
    assert len(days) == 31


async def test_batch_leaves_out_unknown_and_other_providers_crns(
    crc: CrcServers, client: CrcClient
) -> None:
    held = crns_of("C01")
    foreign = crns_of("C02")[:3]
    found = await client.cases("C01", [*held, "Z999999", *foreign, held[0]])
    assert set(found) == set(held)
    assert found[held[0]].provider_code == "C01"
    assert crc["C01"].faults.calls["batchGetCases"] == 1


async def test_large_batches_are_chunked_by_100(crc: CrcServers, client: CrcClient) -> None:
    crns = [f"Y{n:06d}" for n in range(230)] + crns_of("C03")
    found = await client.cases("C03", crns)
    assert set(found) == set(crns_of("C03"))
    assert crc["C03"].faults.calls["batchGetCases"] == 3


async def test_a_case_held_by_another_crc_is_not_found(client: CrcClient) -> None:
    foreign = crns_of("C02")[0]
    assert await client.cases("C01", [foreign]) == {}
    assert await client.interventions("C01", foreign) is None
    assert await client.unpaid_work("C01", foreign) is None
    assert await client.appointments("C01", foreign, date_from=None, date_to=None, limit=5) is None


async def test_a_malformed_crn_is_a_rejection(crc: CrcServers, client: CrcClient) -> None:
    with pytest.raises(BackendRejected):
        await client.interventions("C01", "not-a-crn")
    assert crc["C01"].faults.calls["listInterventions"] == 1  # refusals are not retried


async def test_records_carry_the_contract_values(
    client: CrcClient, datasets: dict[str, CrcDataset]
) -> None:
    crn = next(  # an officer code ending in U is the team's placeholder: pending allocation
        f.crn for f in make_facts() if f.provider_code == "C02" and f.practitioner.unallocated
    )
    record = (await client.cases("C02", [crn]))[crn]
    raw = datasets["C02"].cases[crn]
    assert record.status == "PENDING_ALLOCATION"
    assert record.practitioner is None
    assert record.team_code == raw["team"]["code"]
    assert record.last_updated.tzinfo is not None
    ordered = next(f.crn for f in make_facts() if f.provider_code == "C02" and f.unpaid_work)
    work = await client.unpaid_work("C02", ordered)
    assert work is not None
    assert work.hours_ordered == 120.0
    assert 0 < work.hours_completed <= 120.0

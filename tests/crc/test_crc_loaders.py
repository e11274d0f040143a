"""CRC loaders over the real adapter and stand-ins: batching per provider, isolated failures."""

from __future__ import annotations

import asyncio

import pytest

from adapters.crc import CrcClient, PartnerCaseRecord
from resolvers.errors import ErrorCode, PublicError
from resolvers.partner import (
    CrcLoaders,
    partner_appointments,
    partner_case,
    partner_interventions,
    partner_unpaid_work,
)
from sandbox.crc import CrcServers
from tests.crc.data import BUSY_CRN, PROVIDERS, crns_of


def _keys() -> list[tuple[str, str]]:
    """50 keys over 3 CRCs: mostly held cases, plus CRNs each CRC does not hold."""
    keys = [(code, crn) for code in PROVIDERS for crn in crns_of(code)[:15]]
    keys += [("C01", crns_of("C02")[0]), ("C02", "Z000001"), ("C03", crns_of("C01")[1])]
    keys += [("C01", "Z000002"), ("C02", crns_of("C03")[2])]
    return keys


async def test_fifty_cases_over_three_crcs_make_one_batch_call_each(
    crc: CrcServers, client: CrcClient
) -> None:
    loaders = CrcLoaders(client)
    keys = _keys()
    assert len(keys) == 50
    values = await asyncio.gather(*(loaders.cases.load(key) for key in keys))
    for code in PROVIDERS:
        assert crc[code].faults.calls["batchGetCases"] == 1
    for (code, crn), value in zip(keys, values, strict=True):
        if crn in crns_of(code):
            assert isinstance(value, PartnerCaseRecord)
            assert (value.provider_code, value.crn) == (code, crn)
        else:
            assert value is None
    again = await loaders.cases.load(keys[0])  # cached for the request
    assert again == values[0]
    assert crc["C01"].faults.calls["batchGetCases"] == 1


async def test_one_crc_down_fails_only_its_own_keys(crc: CrcServers, client: CrcClient) -> None:
    crc["C02"].faults.apply({"down": True})
    loaders = CrcLoaders(client)
    keys = _keys()
    values = await asyncio.gather(
        *(loaders.cases.load(key) for key in keys), return_exceptions=True
    )
    for (code, crn), value in zip(keys, values, strict=True):
        if code == "C02":
            assert isinstance(value, PublicError)
            assert value.extensions == {"code": "UPSTREAM_UNAVAILABLE", "source": "crc:C02"}
        elif crn in crns_of(code):
            assert isinstance(value, PartnerCaseRecord)
        else:
            assert value is None


async def test_helpers_turn_backend_failures_into_public_errors(
    crc: CrcServers, client: CrcClient
) -> None:
    crc["C03"].faults.apply({"down": True})
    loaders = CrcLoaders(client)
    crn = crns_of("C03")[0]
    with pytest.raises(PublicError) as caught:
        await partner_case(loaders, "C03", crn)
    assert caught.value.extensions == {
        "code": ErrorCode.UPSTREAM_UNAVAILABLE.value,
        "source": "crc:C03",
    }
    assert crn not in caught.value.message
    with pytest.raises(PublicError):
        await partner_unpaid_work(loaders, "C03", crn)


async def test_helpers_read_through_the_loaders(crc: CrcServers, client: CrcClient) -> None:
    loaders = CrcLoaders(client)
    assert await partner_case(loaders, "C21", "X100000") is None  # not in the registry
    foreign = crns_of("C02")[0]
    assert await partner_case(loaders, "C01", foreign) is None
    assert await partner_interventions(loaders, "C01", foreign) == ()
    appointments = await asyncio.gather(
        *(
            partner_appointments(
                loaders, "C01", BUSY_CRN, date_from=None, date_to=None, first=first
            )
            for first in (5, 5, 20)
        )
    )
    assert [len(a) for a in appointments] == [5, 5, 20]
    assert appointments[0] == appointments[2][:5]
    assert crc["C01"].faults.calls["listAppointments"] == 2  # (first=5) asked once

"""Partner times reach the graph in Europe/London's offset, whatever offset the CRC sent.

The stand-ins send every instant in UTC; nDelius times are London wall times. A front-end
printing ``start`` must see the same hour for the same instant from either backend, in
summer (``+01:00``) and in winter (``+00:00``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from adapters.crc import CrcClient
from resolvers.partner import CrcLoaders
from tests.crc.data import BUSY_CRN, make_facts
from tests.crc.test_crc_schema import SCHEMA, _Context

QUERY = """
query ($crn: String!) {
  partner(crn: $crn, provider: "C01") {
    lastUpdated
    winter: appointments(from: "2025-01-10", to: "2025-01-10", first: 5) { start end }
    summer: appointments(from: "2025-07-01", to: "2025-07-01", first: 5) { start end }
  }
}
"""


async def _partner(client: CrcClient) -> dict[str, object]:
    result = await SCHEMA.execute(
        QUERY, variable_values={"crn": BUSY_CRN}, context_value=_Context(CrcLoaders(client))
    )
    assert result.errors is None
    assert result.data is not None
    partner: dict[str, object] = result.data["partner"]
    return partner


def _offsets(appointments: object) -> set[str]:
    assert isinstance(appointments, list)
    assert appointments, "the test data has an appointment on that day"
    return {value[-6:] for appointment in appointments for value in appointment.values() if value}


async def test_summer_times_carry_plus_one_hour(client: CrcClient) -> None:
    summer = (await _partner(client))["summer"]
    assert _offsets(summer) == {"+01:00"}
    busy = next(f for f in make_facts() if f.crn == BUSY_CRN)
    facts = next(a for a in busy.appointments if a.contact_date == date(2025, 7, 1))
    assert facts.start_time is not None
    assert isinstance(summer, list)
    assert summer[0]["start"] == f"2025-07-01T{facts.start_time.isoformat()}+01:00"


async def test_winter_times_carry_a_zero_offset(client: CrcClient) -> None:
    assert _offsets((await _partner(client))["winter"]) == {"+00:00"}


async def test_last_updated_is_in_london_offset(client: CrcClient) -> None:
    last_updated = (await _partner(client))["lastUpdated"]
    assert isinstance(last_updated, str)
    instant = datetime.fromisoformat(last_updated)
    assert instant.utcoffset() == instant.astimezone(ZoneInfo("Europe/London")).utcoffset()

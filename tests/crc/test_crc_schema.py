"""The partner types executed in a small schema over the real adapter and stand-ins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from adapters.crc import CrcClient
from resolvers.partner import CrcLoaders
from sandbox.crc import CrcServers
from schema.partner import PartnerCase, resolve_partner_case
from tests.crc.data import BUSY_CRN, crns_of, make_facts


@dataclass
class _Context:
    crc: CrcLoaders


async def _partner(
    info: strawberry.Info, crn: str, provider: str | None = None
) -> PartnerCase | None:
    return await resolve_partner_case(info, provider, crn)


@strawberry.type
class _Query:
    partner: PartnerCase | None = strawberry.field(resolver=_partner)


SCHEMA = strawberry.federation.Schema(query=_Query, federation_version="2.9")

QUERY = """
query ($crn: String!, $provider: String) {
  partner(crn: $crn, provider: $provider) {
    status lastUpdated spgVersion
    practitioner { code name email }
    team { code description }
    appointments(from: "2025-02-01", to: "2025-02-03", first: 10) {
      id type typeCode start end location outcome attended complied
      eventNumber deliusContactId externalReference
    }
    interventions { id name category status referralDate sessionsAttended sessionsPlanned }
    unpaidWork { hoursOrdered hoursCompleted lastSession }
  }
}
"""


async def _run(client: CrcClient, crn: str, provider: str | None) -> Any:
    context = _Context(crc=CrcLoaders(client))
    return await SCHEMA.execute(
        QUERY, variable_values={"crn": crn, "provider": provider}, context_value=context
    )


async def test_a_partner_case_resolves_every_field(client: CrcClient) -> None:
    result = await _run(client, BUSY_CRN, "C01")
    assert result.errors is None
    partner = result.data["partner"]
    assert partner["status"] == "ACTIVE"
    assert partner["practitioner"]["code"] == "C01A999"
    assert partner["team"] == {"code": "C01T02", "description": "South Team"}
    days = [a["start"][:10] for a in partner["appointments"]]
    assert days == ["2025-02-01", "2025-02-02", "2025-02-03"]
    first = partner["appointments"][0]
    assert first["typeCode"] == "COAP"
    assert first["externalReference"].startswith("urn:uk:gov:crc:C01:appointment:")
    assert first["deliusContactId"] is not None
    assert partner["unpaidWork"] == {
        "hoursOrdered": 0.0,
        "hoursCompleted": 0.0,
        "lastSession": None,
    }


async def test_no_crc_or_a_foreign_crn_gives_null(client: CrcClient) -> None:
    assert (await _run(client, BUSY_CRN, None)).data == {"partner": None}
    assert (await _run(client, crns_of("C02")[0], "C01")).data == {"partner": None}


async def test_a_failing_crc_nulls_its_field_with_a_coded_error(
    crc: CrcServers, client: CrcClient
) -> None:
    crn = next(f.crn for f in make_facts() if f.provider_code == "C02" and f.unpaid_work)
    first = await _run(client, crn, "C02")
    assert first.errors is None
    assert first.data["partner"]["unpaidWork"]["hoursOrdered"] == 120.0
    crc["C02"].faults.apply({"down": True})
    result = await _run(client, crn, "C02")
    assert result.data == {"partner": None}
    assert result.errors
    assert result.errors[0].extensions == {"code": "UPSTREAM_UNAVAILABLE", "source": "crc:C02"}
    assert result.errors[0].path == ["partner"]


async def test_first_above_the_cap_is_refused(client: CrcClient) -> None:
    query = '{ partner(crn: "%s", provider: "C01") { appointments(first: 101) { id } } }'
    result = await SCHEMA.execute(query % BUSY_CRN, context_value=_Context(CrcLoaders(client)))
    assert result.errors
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


def test_every_partner_type_and_field_has_a_description() -> None:
    types = [
        "PartnerCase",
        "PartnerPractitioner",
        "PartnerTeam",
        "PartnerAppointment",
        "PartnerIntervention",
        "UnpaidWork",
    ]
    graphql_schema = SCHEMA._schema
    for name in types:
        graphql_type = graphql_schema.type_map[name]
        assert graphql_type.description, name
        for field_name, field in graphql_type.fields.items():
            assert field.description, f"{name}.{field_name}"

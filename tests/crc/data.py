"""The CRC test data: facts for 60 cases over three CRCs, plus one case with many appointments."""

from __future__ import annotations

from datetime import date, time, timedelta

from adapters.crc import CrcConnection
from sandbox.crc import (
    AppointmentFacts,
    CrcCaseFacts,
    CrcServers,
    PractitionerFacts,
    TeamFacts,
    UnpaidWorkFacts,
)

PROVIDERS = ("C01", "C02", "C03")
BUSY_CRN = "B000001"
BUSY_APPOINTMENTS = 250


def _appointments(
    crn: str, provider: str, count: int, first_id: int
) -> tuple[AppointmentFacts, ...]:
    start = date(2025, 1, 6)
    return tuple(
        AppointmentFacts(
            contact_id=first_id + n,
            contact_date=start + timedelta(days=n),
            start_time=time(9 + n % 8, 0),
            end_time=time(10 + n % 8, 0),
            type_code="COAP",
            type_description="Planned Office Visit (NS)",
            outcome_code="ATTC" if n % 3 else None,
            outcome_description="Attended - Complied" if n % 3 else None,
            attended=True if n % 3 else None,
            complied=True if n % 3 else None,
            external_reference=f"urn:uk:gov:crc:{provider}:appointment:{crn.lower()}{n:04d}",
            event_number=1,
        )
        for n in range(count)
    )


def make_facts() -> list[CrcCaseFacts]:
    """60 cases over C01..C03 (20 each) plus one C01 case with 250 appointments."""
    facts = []
    for n in range(60):
        provider = PROVIDERS[n % 3]
        crn = f"X{100000 + n}"
        officer = f"{provider}T01U" if n % 10 == 9 else f"{provider}A{n:03d}"
        facts.append(
            CrcCaseFacts(
                crn=crn,
                provider_code=provider,
                practitioner=PractitionerFacts(officer, "Sam Patel"),
                team=TeamFacts(f"{provider}T01", "North Team"),
                allocation_date=date(2024, 9, 1) + timedelta(days=n),
                event_numbers=(1, 2) if n % 4 == 0 else (1,),
                appointments=_appointments(crn, provider, 3 + n % 5, 2_500_000_000 + n * 100),
                unpaid_work=(UnpaidWorkFacts(1, 120),) if n % 2 else (),
            )
        )
    facts.append(
        CrcCaseFacts(
            crn=BUSY_CRN,
            provider_code="C01",
            practitioner=PractitionerFacts("C01A999", "Alex Jones"),
            team=TeamFacts("C01T02", "South Team"),
            allocation_date=date(2024, 12, 1),
            event_numbers=(1,),
            appointments=_appointments(BUSY_CRN, "C01", BUSY_APPOINTMENTS, 2_600_000_000),
        )
    )
    assert len({f.crn for f in facts}) == len(facts), "each case must be held once"
    return facts


def crns_of(provider: str) -> list[str]:
    """The CRNs the test data puts with ``provider``."""
    return [f.crn for f in make_facts() if f.provider_code == provider]


def connections(crc: CrcServers) -> list[CrcConnection]:
    """The registry as adapter connections."""
    return [
        CrcConnection(code, entry["url"], entry["clientId"], entry["clientSecret"])
        for code, entry in crc.registry().items()
    ]

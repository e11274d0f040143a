"""What nDelius knows about a case held by a CRC: the facts a CRC stand-in is built from.

The stand-in's data must agree with nDelius (same practitioner, same appointments joined by
external reference), so it is derived from these facts rather than invented independently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True, slots=True)
class PractitionerFacts:
    """The allocated member of staff: nDelius STAFF.OFFICER_CODE and full name."""

    code: str
    name: str

    @property
    def unallocated(self) -> bool:
        """nDelius marks a team's placeholder staff member with an officer code ending in U."""
        return self.code.endswith("U")


@dataclass(frozen=True, slots=True)
class TeamFacts:
    """The team of the current offender manager."""

    code: str
    description: str


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    """One nDelius contact whose EXTERNAL_REFERENCE names a CRC appointment."""

    contact_id: int
    contact_date: date
    start_time: time | None
    end_time: time | None
    type_code: str
    type_description: str
    outcome_code: str | None
    outcome_description: str | None
    attended: bool | None
    complied: bool | None
    external_reference: str
    event_number: int | None = None


@dataclass(frozen=True, slots=True)
class UnpaidWorkFacts:
    """One unpaid work requirement (main category W): its event and the hours ordered."""

    event_number: int
    hours_ordered: int


@dataclass(frozen=True, slots=True)
class CrcCaseFacts:
    """A case whose current offender manager belongs to a CRC, as nDelius records it."""

    crn: str
    provider_code: str
    practitioner: PractitionerFacts
    team: TeamFacts
    allocation_date: date
    event_numbers: tuple[int, ...] = ()
    appointments: tuple[AppointmentFacts, ...] = ()
    unpaid_work: tuple[UnpaidWorkFacts, ...] = ()


APPOINTMENT_URN_PREFIX = "urn:uk:gov:crc:"


def appointment_urn_provider(external_reference: str) -> str | None:
    """The provider code in ``urn:uk:gov:crc:<code>:appointment:<id>``, or None."""
    if not external_reference.startswith(APPOINTMENT_URN_PREFIX):
        return None
    parts = external_reference[len(APPOINTMENT_URN_PREFIX) :].split(":")
    if len(parts) != 3 or parts[1] != "appointment" or not parts[2]:
        return None
    return parts[0]

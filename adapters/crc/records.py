"""What the graph shows of a CRC's record of a case: frozen, backend-neutral records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class PractitionerRecord:
    """The CRC practitioner allocated to a case (code is nDelius STAFF.OFFICER_CODE)."""

    code: str
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class PartnerCaseRecord:
    """A CRC's record of one case; ``practitioner`` is None while pending allocation."""

    crn: str
    provider_code: str
    status: str
    practitioner: PractitionerRecord | None
    team_code: str | None
    team_description: str | None
    last_updated: datetime
    spg_version: str | None


@dataclass(frozen=True, slots=True)
class PartnerAppointmentRecord:
    """One appointment as the CRC holds it; joins nDelius through ``external_reference``."""

    id: str
    type_code: str
    type_description: str
    start: datetime
    end: datetime | None
    location: str | None
    outcome_code: str | None
    outcome_description: str | None
    attended: bool | None
    complied: bool | None
    event_number: int | None
    delius_contact_id: int | None
    external_reference: str
    location_code: str | None = None
    practitioner: PractitionerRecord | None = None


@dataclass(frozen=True, slots=True)
class PartnerInterventionRecord:
    """A rate-card intervention or accredited programme the CRC delivers for a case."""

    id: str
    name: str
    category: str
    status: str
    referral_date: date
    start_date: date | None
    end_date: date | None
    sessions_attended: int
    sessions_planned: int | None
    event_number: int | None
    delius_nsi_id: int | None


@dataclass(frozen=True, slots=True)
class UnpaidWorkRecord:
    """Unpaid work hours summed over the case's requirements; hours are minutes / 60."""

    hours_ordered: float
    hours_completed: float
    last_session: date | None

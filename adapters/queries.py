"""What callers may ask of the nDelius adapter beyond plain keys: filters and positions.

Positions are the decoded form of the API's opaque cursors; the API owns the encoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


@dataclass(frozen=True, slots=True)
class ContactFilterSpec:
    """Which contacts of a case to list; every part is optional and they combine with AND."""

    date_from: date | None = None
    date_to: date | None = None
    appointments_only: bool = False
    type_codes: tuple[str, ...] | None = None
    event_number: int | None = None


@dataclass(frozen=True, slots=True)
class ContactPosition:
    """Where a page of contacts ends: the sort key of its last contact."""

    date: date
    time_of_day: time
    contact_id: int


@dataclass(frozen=True, slots=True)
class ContactPageRequest:
    """One case's page of contacts, newest first."""

    offender_id: int
    first: int
    after: ContactPosition | None = None
    filter: ContactFilterSpec = ContactFilterSpec()


@dataclass(frozen=True, slots=True)
class CaseloadPosition:
    """Where a page of a caseload ends: the sort key (surname, forename, CRN) of its last case."""

    surname: str
    forename: str
    crn: str


@dataclass(frozen=True, slots=True)
class CaseSearchSpec:
    """Search criteria: fuzzy name, exact date of birth, PNC and NOMS numbers."""

    name: str | None = None
    date_of_birth: date | None = None
    pnc_number: str | None = None
    noms_number: str | None = None

    def is_empty(self) -> bool:
        """True when no criterion was given."""
        return not (self.name or self.date_of_birth or self.pnc_number or self.noms_number)


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """A new contact as the caller asks for it: an appointment or a case note.

    ``start`` and ``end`` are timezone-aware instants (the adapter stores them as the
    legacy day plus dummy-dated times); codes are nDelius codes. A case note without
    ``start`` is dated now.
    """

    type_code: str
    appointment: bool
    start: datetime | None = None
    end: datetime | None = None
    staff_code: str | None = None
    team_code: str | None = None
    office_location_code: str | None = None
    event_number: int | None = None
    notes: str | None = None
    external_reference: str | None = None
    sensitive: bool | None = None


@dataclass(frozen=True, slots=True)
class OutcomeDraft:
    """An outcome for an appointment, against the row version the caller last read."""

    contact_id: int
    outcome_code: str
    expected_version: int
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """Who writes: the login matched to USER_, and the provider a partner is confined to."""

    login: str | None
    provider_code: str | None = None


@dataclass(frozen=True, slots=True)
class WriteClaim:
    """An idempotency key claimed by one caller for one canonical input."""

    key: str
    client_id: str
    username: str | None
    operation: str
    request_hash: str
    crn: str

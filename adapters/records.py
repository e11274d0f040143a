"""Plain frozen records the nDelius adapter returns: no driver rows, no legacy encodings.

Flags are booleans, code-list ids are ``CodedValue``, soft-deleted rows never appear,
contact times are timezone-aware datetimes. Ids are nDelius surrogate keys, used only to
join records to each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

Day = date
"""Alias used where a record has a field named ``date``."""


@dataclass(frozen=True, slots=True)
class CodedValue:
    """A value from a legacy code list."""

    code: str
    description: str


@dataclass(frozen=True, slots=True)
class ProviderRecord:
    """A provider (PROBATION_AREA): NPS region, or a CRC when private."""

    id: int
    code: str
    description: str
    is_private: bool


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team of practitioners within one provider."""

    id: int
    code: str
    description: str
    telephone: str | None
    provider_id: int


@dataclass(frozen=True, slots=True)
class StaffRecord:
    """A member of staff; ``unallocated`` marks a team's placeholder (code ending in U)."""

    id: int
    code: str
    forename: str
    surname: str
    grade: CodedValue | None
    provider_id: int
    unallocated: bool


@dataclass(frozen=True, slots=True)
class ManagerRecord:
    """One community offender manager allocation, current or historic."""

    id: int
    offender_id: int
    staff: StaffRecord
    team: TeamRecord
    provider: ProviderRecord
    allocated_on: Day
    ended_on: Day | None
    active: bool


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """The person on probation (OFFENDER), live row only."""

    offender_id: int
    crn: str
    forename: str
    middle_names: tuple[str, ...]
    surname: str
    preferred_name: str | None
    date_of_birth: Day
    gender: CodedValue | None
    pnc_number: str | None
    noms_number: str | None
    cro_number: str | None
    tier: CodedValue | None
    has_exclusions: bool
    has_restrictions: bool
    exclusion_message: str | None
    restriction_message: str | None


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """Whether one user is kept from one case by limited-access rules."""

    offender_id: int
    excluded: bool
    restricted: bool


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One court referral (EVENT)."""

    id: int
    offender_id: int
    number: int
    active: bool
    referral_date: Day
    conviction_date: Day | None
    in_breach: bool


@dataclass(frozen=True, slots=True)
class OffenceRecord:
    """An offence on an event, main or additional."""

    event_id: int
    main: bool
    code: str
    description: str
    category: str | None
    date: Day | None
    count: int | None


@dataclass(frozen=True, slots=True)
class SentenceRecord:
    """The disposal of an event."""

    id: int
    event_id: int
    type: CodedValue
    date: Day
    length: int | None
    length_units: str | None
    expected_end_date: Day | None
    termination_date: Day | None


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    """A requirement of a community or suspended sentence."""

    id: int
    sentence_id: int
    category: CodedValue
    sub_category: CodedValue | None
    length: int | None
    length_units: str | None
    start_date: Day
    termination_date: Day | None
    active: bool


@dataclass(frozen=True, slots=True)
class KeyDateRecord:
    """A custody key date, e.g. the sentence expiry date."""

    type: CodedValue
    date: Day


@dataclass(frozen=True, slots=True)
class CustodyRecord:
    """The custodial part of a sentence."""

    id: int
    sentence_id: int
    status: CodedValue
    institution: str | None
    key_dates: tuple[KeyDateRecord, ...]


@dataclass(frozen=True, slots=True)
class RegistrationRecord:
    """A register entry (risk flag) on a case."""

    id: int
    offender_id: int
    type: CodedValue
    colour: str | None
    level: CodedValue | None
    category: CodedValue | None
    registered_on: Day
    next_review_on: Day | None
    review_overdue: bool
    active: bool


@dataclass(frozen=True, slots=True)
class AddressRecord:
    """An address of the person, current or historic."""

    id: int
    offender_id: int
    building_name: str | None
    address_number: str | None
    street_name: str | None
    district: str | None
    town: str | None
    county: str | None
    postcode: str | None
    no_fixed_abode: bool
    status: CodedValue
    start_date: Day
    end_date: Day | None
    current: bool


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One entry of the case's activity log: an appointment, a note, a system entry."""

    id: int
    offender_id: int
    type: CodedValue
    is_appointment: bool
    date: Day
    start: datetime | None
    end: datetime | None
    outcome: CodedValue | None
    attended: bool | None
    complied: bool | None
    sensitive: bool
    notes: str | None
    staff_id: int
    team_id: int
    provider_id: int
    event_number: int | None
    version: int


@dataclass(frozen=True, slots=True)
class ContactPage:
    """One page of a case's contacts, newest first."""

    contacts: tuple[ContactRecord, ...]
    has_next: bool


@dataclass(frozen=True, slots=True)
class CasePage:
    """One page of cases from a caseload or a search, in order."""

    cases: tuple[CaseRecord, ...]
    has_next: bool
    total_count: int | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One look at one case: who, when, through what, and what they were told."""

    occurred_at: datetime
    username: str | None
    client_id: str
    provider: str | None
    operation_name: str | None
    document_hash: str
    crn: str
    outcome: str
    correlation_id: str


class ProblemCode(StrEnum):
    """Why a write was refused: an expected outcome the caller can act on, not an outage."""

    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    LIMITED_ACCESS = "LIMITED_ACCESS"
    UNKNOWN_USER = "UNKNOWN_USER"
    UNKNOWN_CONTACT_TYPE = "UNKNOWN_CONTACT_TYPE"
    CONTACT_TYPE_NOT_ALLOWED = "CONTACT_TYPE_NOT_ALLOWED"
    NOT_AN_APPOINTMENT = "NOT_AN_APPOINTMENT"
    APPOINTMENT_TYPE_NOT_ALLOWED = "APPOINTMENT_TYPE_NOT_ALLOWED"
    UNKNOWN_OUTCOME = "UNKNOWN_OUTCOME"
    UNKNOWN_EVENT = "UNKNOWN_EVENT"
    UNKNOWN_STAFF = "UNKNOWN_STAFF"
    UNKNOWN_TEAM = "UNKNOWN_TEAM"
    STAFF_NOT_IN_TEAM = "STAFF_NOT_IN_TEAM"
    NO_MANAGER = "NO_MANAGER"
    OUT_OF_PROVIDER = "OUT_OF_PROVIDER"
    UNKNOWN_LOCATION = "UNKNOWN_LOCATION"
    LOCATION_REQUIRED = "LOCATION_REQUIRED"
    END_BEFORE_START = "END_BEFORE_START"
    CONFLICT = "CONFLICT"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True, slots=True)
class WriteProblem:
    """One reason a write was refused; ``field`` names the input field, if one is to blame."""

    field: str | None
    code: ProblemCode
    message: str


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write did: the contact as stored now, or the problems that stopped it.

    ``replayed`` is true when an earlier call with the same idempotency key did the work;
    ``current_version`` is the contact's row version when a stale version was refused.
    """

    contact: ContactRecord | None
    replayed: bool = False
    problems: tuple[WriteProblem, ...] = ()
    current_version: int | None = None


@dataclass(frozen=True, slots=True)
class CaseEventRecord:
    """One stored case event: a row of ``casegraph.case_event``.

    ``position`` orders the feed (commit order) and is the cursor's content; ``event_id``
    is what consumers deduplicate on. ``envelope`` is the HMPPS domain-event envelope.
    """

    position: int
    event_id: UUID
    crn: str
    event_type: str
    occurred_at: datetime
    provider_code: str | None
    previous_provider_code: str | None
    envelope: Mapping[str, Any]
    stored_at: datetime


class CaseEventType(StrEnum):
    """Every case-event type: the HMPPS domain-event name where one exists, the same style
    for the rest."""

    CASE_CREATED = "probation-case.engagement.created"
    PERSONAL_DETAILS_UPDATED = "probation-case.personal-details.updated"
    MANAGER_ALLOCATED = "person.community.manager.allocated"
    MANAGER_TRANSFERRED = "person.community.manager.transferred"
    REGISTRATION_ADDED = "probation-case.registration.added"
    REGISTRATION_UPDATED = "probation-case.registration.updated"
    REGISTRATION_DEREGISTERED = "probation-case.registration.deregistered"
    REGISTRATION_DELETED = "probation-case.registration.deleted"
    ADDRESS_CREATED = "probation-case.address.created"
    ADDRESS_UPDATED = "probation-case.address.updated"
    ADDRESS_DELETED = "probation-case.address.deleted"
    APPOINTMENT_BOOKED = "probation-case.appointment.booked"
    APPOINTMENT_RESCHEDULED = "probation-case.appointment.rescheduled"
    APPOINTMENT_OUTCOME_RECORDED = "probation-case.appointment.outcome-recorded"
    APPOINTMENT_DELETED = "probation-case.appointment.deleted"
    CASE_NOTE_ADDED = "probation-case.case-note.added"
    CASE_NOTE_UPDATED = "probation-case.case-note.updated"
    CASE_NOTE_DELETED = "probation-case.case-note.deleted"
    EVENT_CREATED = "probation-case.event.created"
    EVENT_UPDATED = "probation-case.event.updated"
    EVENT_DELETED = "probation-case.event.deleted"
    SENTENCE_CREATED = "probation-case.sentence.created"
    SENTENCE_UPDATED = "probation-case.sentence.updated"
    SENTENCE_DELETED = "probation-case.sentence.deleted"

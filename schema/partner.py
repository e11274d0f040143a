"""What the CRC that holds a case records about it: the ``PartnerCase`` part of the graph.

Every field here is fed by a CRC partner system that can fail, so a failure surfaces as an
error (``extensions.code`` UPSTREAM_*, ``extensions.source`` ``crc:<code>``) at the field's
path, and ``Case.partner`` is nullable so the rest of the case still arrives.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types.nodes import SelectedField

from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    PractitionerRecord,
    UnpaidWorkRecord,
)
from resolvers import partner as load
from resolvers.context import Info
from schema.organisation import Provider


def _loaders(info: Info) -> load.CrcLoaders:
    return load.configured(info.context.crc)


@strawberry.type(description="The CRC practitioner allocated to a case.")
class PartnerPractitioner:
    code: str = strawberry.field(description="nDelius staff (officer) code, e.g. C12A123.")
    name: str = strawberry.field(description="Full name as the CRC records it.")
    email: str | None = strawberry.field(description="Work e-mail address, when the CRC has one.")

    @classmethod
    def from_record(cls, record: PractitionerRecord) -> PartnerPractitioner:
        """Build from the adapter's record."""
        return cls(code=record.code, name=record.name, email=record.email)


@strawberry.type(description="The team that supervises a case at the CRC.")
class PartnerTeam:
    code: str = strawberry.field(description="nDelius team code (6 characters), e.g. C12T04.")
    description: str = strawberry.field(description="The team's name.")


@strawberry.type(description="An appointment as the CRC holds it.")
class PartnerAppointment:
    id: strawberry.ID = strawberry.field(description="The CRC's own appointment id (opaque).")
    type: str = strawberry.field(description="Contact type, e.g. Planned Office Visit (NS).")
    type_code: str = strawberry.field(description="nDelius contact type code, e.g. COAP.")
    start: datetime = strawberry.field(description="When the appointment starts.")
    end: datetime | None = strawberry.field(description="When it ends, if recorded.")
    location: str | None = strawberry.field(
        description="Office name; null when not at an office (phone, video, home visit)."
    )
    location_code: str | None = strawberry.field(
        description="nDelius office location code (7 characters), when at an office."
    )
    outcome: str | None = strawberry.field(
        description="Outcome, e.g. Attended - Complied; null until one is recorded."
    )
    outcome_code: str | None = strawberry.field(description="nDelius outcome code, e.g. ATTC.")
    attended: bool | None = strawberry.field(description="Whether the person attended.")
    complied: bool | None = strawberry.field(
        description="True when compliant or the absence was acceptable."
    )
    event_number: int | None = strawberry.field(
        description="nDelius event (sentence) number the appointment belongs to."
    )
    delius_contact_id: strawberry.ID | None = strawberry.field(
        description="nDelius contact id of the synchronised copy; null if not synchronised yet."
    )
    external_reference: str = strawberry.field(
        description="URN of the appointment; nDelius stores the same value on the contact."
    )

    @classmethod
    def from_record(cls, record: PartnerAppointmentRecord) -> PartnerAppointment:
        """Build from the adapter's record."""
        contact = record.delius_contact_id
        return cls(
            id=strawberry.ID(record.id),
            type=record.type_description,
            type_code=record.type_code,
            start=record.start,
            end=record.end,
            location=record.location,
            location_code=record.location_code,
            outcome=record.outcome_description,
            outcome_code=record.outcome_code,
            attended=record.attended,
            complied=record.complied,
            event_number=record.event_number,
            delius_contact_id=strawberry.ID(str(contact)) if contact is not None else None,
            external_reference=record.external_reference,
        )


@strawberry.type(description="A rate-card intervention or accredited programme the CRC delivers.")
class PartnerIntervention:
    id: strawberry.ID = strawberry.field(description="The CRC's own intervention id (opaque).")
    name: str = strawberry.field(description="Name, e.g. Thinking Skills Programme.")
    category: str | None = strawberry.field(
        description="ACCREDITED_PROGRAMME, ACCOMMODATION, EDUCATION_TRAINING_EMPLOYMENT, "
        "FINANCE_BENEFIT_DEBT, DEPENDENCY_RECOVERY, EMOTIONAL_WELLBEING, FAMILY_RELATIONSHIPS, "
        "LIFESTYLE_ASSOCIATES, WOMENS_SERVICES or OTHER."
    )
    status: str = strawberry.field(
        description="REFERRED, IN_PROGRESS, COMPLETED, NOT_COMPLETED or WITHDRAWN."
    )
    referral_date: date | None = strawberry.field(description="When the referral was made.")
    start_date: date | None = strawberry.field(description="When it started, if it has.")
    end_date: date | None = strawberry.field(description="When it ended, if it has.")
    sessions_attended: int | None = strawberry.field(description="Sessions attended so far.")
    sessions_planned: int | None = strawberry.field(
        description="Sessions planned; null when open-ended."
    )
    event_number: int | None = strawberry.field(
        description="nDelius event (sentence) number it serves."
    )
    delius_nsi_id: strawberry.ID | None = strawberry.field(
        description="nDelius id of the matching referral (NSI), where one exists."
    )

    @classmethod
    def from_record(cls, record: PartnerInterventionRecord) -> PartnerIntervention:
        """Build from the adapter's record."""
        nsi = record.delius_nsi_id
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            category=record.category,
            status=record.status,
            referral_date=record.referral_date,
            start_date=record.start_date,
            end_date=record.end_date,
            sessions_attended=record.sessions_attended,
            sessions_planned=record.sessions_planned,
            event_number=record.event_number,
            delius_nsi_id=strawberry.ID(str(nsi)) if nsi is not None else None,
        )


@strawberry.type(description="Unpaid work (Community Payback) hours across the case's orders.")
class UnpaidWork:
    hours_ordered: float = strawberry.field(description="Hours ordered by the courts, in total.")
    hours_completed: float = strawberry.field(
        description="Hours credited so far (minutes / 60, to 2 decimal places)."
    )
    last_session: date | None = strawberry.field(description="Day of the most recent session.")

    @classmethod
    def from_record(cls, record: UnpaidWorkRecord) -> UnpaidWork:
        """Build from the adapter's record."""
        return cls(
            hours_ordered=record.hours_ordered,
            hours_completed=record.hours_completed,
            last_session=record.last_session,
        )


async def _appointments(
    root: PartnerCase,
    info: Info,
    from_: Annotated[
        date | None,
        strawberry.argument(name="from", description="First day to include (London)."),
    ] = None,
    to: Annotated[
        date | None, strawberry.argument(description="Last day to include (London).")
    ] = None,
    first: Annotated[
        int | None, strawberry.argument(description="How many to return (default 20, at most 100).")
    ] = 20,
) -> list[PartnerAppointment]:
    records = await load.partner_appointments(
        _loaders(info), root.provider_code, root.crn, date_from=from_, date_to=to, first=first
    )
    return [PartnerAppointment.from_record(record) for record in records]


async def _interventions(root: PartnerCase, info: Info) -> list[PartnerIntervention]:
    records = await load.partner_interventions(_loaders(info), root.provider_code, root.crn)
    return [PartnerIntervention.from_record(record) for record in records]


async def _unpaid_work(root: PartnerCase, info: Info) -> UnpaidWork | None:
    record = await load.partner_unpaid_work(_loaders(info), root.provider_code, root.crn)
    return UnpaidWork.from_record(record) if record is not None else None


@strawberry.type(description="What the CRC (private provider) that holds a case records about it.")
class PartnerCase:
    crn: strawberry.Private[str]
    provider_code: strawberry.Private[str]
    status: str = strawberry.field(
        description="ACTIVE, PENDING_ALLOCATION (no practitioner yet), TRANSFER_PENDING "
        "(a transfer out is in progress) or CLOSED."
    )
    practitioner: PartnerPractitioner | None = strawberry.field(
        description="The allocated practitioner; null while pending allocation."
    )
    team: PartnerTeam | None = strawberry.field(description="The supervising team.")
    last_updated: datetime | None = strawberry.field(
        description="Last change to any part of the CRC's record of the case."
    )
    spg_version: str | None = strawberry.field(
        description="Version stamp last exchanged with nDelius; if it differs from nDelius's, "
        "one side has unsynchronised changes. Null if never exchanged."
    )

    @classmethod
    def from_record(cls, record: PartnerCaseRecord) -> PartnerCase:
        """Build from the adapter's record."""
        team = load.partner_team(record)
        practitioner = record.practitioner
        return cls(
            crn=record.crn,
            provider_code=record.provider_code,
            status=record.status,
            practitioner=PartnerPractitioner.from_record(practitioner) if practitioner else None,
            team=None
            if team is None
            else PartnerTeam(code=team.code, description=team.description),
            last_updated=record.last_updated,
            spg_version=record.spg_version,
        )

    @strawberry.field(description="The provider (CRC) that holds the case.")
    async def provider(self, info: Info) -> Provider:
        record = await info.context.delius.provider_by_code.load(self.provider_code)
        if record is None:
            raise LookupError("partner case of an unknown provider")
        return Provider.from_record(record)

    appointments: list[PartnerAppointment] = strawberry.field(
        resolver=_appointments, description="Appointments the CRC holds, oldest first."
    )
    interventions: list[PartnerIntervention] = strawberry.field(
        resolver=_interventions, description="Interventions and programmes, newest referral first."
    )
    unpaid_work: UnpaidWork | None = strawberry.field(
        resolver=_unpaid_work, description="Unpaid work hours; null when the CRC has none recorded."
    )


async def resolve_partner_case(
    info: Info, provider_code: str | None, crn: str
) -> PartnerCase | None:
    """A CRC's record of a case, or None when no registered CRC holds it (or Case Graph
    has no CRC backends). The selected sub-fields' calls start beside its batchGet."""
    record = await load.partner_case(info.context.crc, provider_code, crn, lookahead(info))
    return PartnerCase.from_record(record) if record is not None else None


def lookahead(info: Info) -> load.Lookahead:
    """The calls to start ahead for the partner sub-fields this query selects (fragments
    are left to their fields, which then load a little later)."""
    return load.lookahead_of(
        (selection.name, selection.arguments)
        for selection in info.selected_fields[0].selections
        if isinstance(selection, SelectedField)
    )

"""Contacts: the case's activity log (appointments, notes, system entries), paged."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from adapters.queries import ContactFilterSpec
from adapters.records import ContactRecord
from resolvers.context import Info
from resolvers.cursors import contact_cursor
from resolvers.field_rules import readable_notes, required
from schema.common import CodedValue, PageInfo, coded
from schema.organisation import Provider, Staff, Team


@strawberry.input(description="Which contacts to list; every part is optional (AND).")
class ContactFilter:
    from_: date | None = strawberry.field(name="from", default=None, description="On or after.")
    to: date | None = strawberry.field(default=None, description="On or before.")
    appointments_only: bool | None = strawberry.field(
        default=None, description="Only appointments (contact types needing attendance)."
    )
    type_codes: list[str] | None = strawberry.field(
        default=None, description='Only these contact types, e.g. ["COAP", "COPT"].'
    )
    event_number: int | None = strawberry.field(default=None, description="Only this event's.")

    def to_spec(self) -> ContactFilterSpec:
        """The adapter's form of this filter."""
        return ContactFilterSpec(
            date_from=self.from_,
            date_to=self.to,
            appointments_only=bool(self.appointments_only),
            type_codes=tuple(self.type_codes) if self.type_codes is not None else None,
            event_number=self.event_number,
        )


@strawberry.type(
    description="One entry of the activity log: an appointment, a note, a system entry."
)
class Contact:
    id: strawberry.ID = strawberry.field(description="The contact's id.")
    type: CodedValue = strawberry.field(description="Contact type, e.g. COAP Planned Office Visit.")
    is_appointment: bool = strawberry.field(description="True for types that need attendance.")
    date: date = strawberry.field(description="The day of the contact.")
    start: datetime | None = strawberry.field(description="Start, with offset; null if untimed.")
    end: datetime | None = strawberry.field(description="End, with offset; null if not recorded.")
    outcome: CodedValue | None = strawberry.field(description="Outcome, once recorded.")
    attended: bool | None = strawberry.field(description="Attended; null until an outcome.")
    complied: bool | None = strawberry.field(description="Complied; null until an outcome.")
    sensitive: bool = strawberry.field(description="True when the contact is marked sensitive.")
    event_number: int | None = strawberry.field(description="The event it belongs to, if any.")
    version: int = strawberry.field(description="Row version for optimistic locking on writes.")
    record: strawberry.Private[ContactRecord]

    @classmethod
    def from_record(cls, record: ContactRecord) -> Contact:
        """The GraphQL face of a contact record."""
        return cls(
            id=strawberry.ID(str(record.id)),
            type=CodedValue.from_record(record.type),
            is_appointment=record.is_appointment,
            date=record.date,
            start=record.start,
            end=record.end,
            outcome=coded(record.outcome),
            attended=record.attended,
            complied=record.complied,
            sensitive=record.sensitive,
            event_number=record.event_number,
            version=record.version,
            record=record,
        )

    @strawberry.field(
        description="Notes. Null when the contact is sensitive and the caller may not read "
        "sensitive notes."
    )
    def notes(self, info: Info) -> str | None:
        return readable_notes(self.record, info.context.caller)

    @strawberry.field(description="The member of staff who holds the contact.")
    async def staff(self, info: Info) -> Staff | None:
        record = await info.context.delius.staff_by_id.load(self.record.staff_id)
        return None if record is None else Staff.from_record(record)

    @strawberry.field(description="The team that holds the contact.")
    async def team(self, info: Info) -> Team | None:
        record = await info.context.delius.team_by_id.load(self.record.team_id)
        return None if record is None else Team.from_record(record)

    @strawberry.field(description="The provider that holds the contact.")
    async def provider(self, info: Info) -> Provider:
        record = await info.context.delius.provider_by_id.load(self.record.provider_id)
        return Provider.from_record(required(record, "contact without a provider"))


@strawberry.type(description="A contact and the cursor just after it.")
class ContactEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this contact.")
    node: Contact = strawberry.field(description="The contact.")


@strawberry.type(description="A page of contacts, newest first.")
class ContactConnection:
    edges: list[ContactEdge] = strawberry.field(description="The contacts of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    offender_id: strawberry.Private[int]
    spec: strawberry.Private[ContactFilterSpec]

    @classmethod
    def of(
        cls,
        records: tuple[ContactRecord, ...],
        has_next: bool,
        offender_id: int,
        spec: ContactFilterSpec,
    ) -> ContactConnection:
        """A connection over one page of contact records."""
        edges = [
            ContactEdge(cursor=contact_cursor(r), node=Contact.from_record(r)) for r in records
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            offender_id=offender_id,
            spec=spec,
        )

    @strawberry.field(description="How many contacts match the filter, across all pages.")
    async def total_count(self, info: Info) -> int:
        return await info.context.delius.contact_count.load((self.offender_id, self.spec)) or 0

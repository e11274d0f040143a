"""The case: a person on probation, and everything nDelius holds about them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from adapters.queries import ContactPageRequest
from adapters.records import CaseRecord
from resolvers.cases import access_message, access_of, checked_page_size, visible_case
from resolvers.context import Info
from resolvers.cursors import contact_position
from schema.common import CodedValue, coded
from schema.contacts import Contact, ContactConnection, ContactFilter
from schema.events import Event
from schema.manager import OffenderManager
from schema.partner import PartnerCase, resolve_partner_case
from schema.person import Address, CaseAccess, Identifiers, PersonName
from schema.registrations import Registration


@strawberry.federation.type(
    keys=["crn"],
    description="A person on probation: identity, management, events, flags and activity.",
)
class Case:
    crn: strawberry.ID = strawberry.field(description="Case Reference Number, e.g. X320741.")
    name: PersonName = strawberry.field(description="The person's name.")
    date_of_birth: date = strawberry.field(description="Date of birth.")
    gender: CodedValue | None = strawberry.field(description="Gender.")
    identifiers: Identifiers = strawberry.field(description="PNC, NOMS and CRO numbers.")
    tier: CodedValue | None = strawberry.field(
        description="Management tier, e.g. B2 (A3 highest to D0 lowest)."
    )
    record: strawberry.Private[CaseRecord]

    @classmethod
    def from_record(cls, record: CaseRecord) -> Case:
        """The GraphQL face of a case record."""
        return cls(
            crn=strawberry.ID(record.crn),
            name=PersonName.from_record(record),
            date_of_birth=record.date_of_birth,
            gender=coded(record.gender),
            identifiers=Identifiers.from_record(record),
            tier=coded(record.tier),
            record=record,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, crn: strawberry.ID) -> Case | None:
        """Federation: a case by CRN, batched with every other reference."""
        record = await visible_case(info.context, str(crn))
        return None if record is None else cls.from_record(record)

    @strawberry.field(description="Limited-access status of this case for the caller.")
    async def access(self, info: Info) -> CaseAccess:
        access = await access_of(info.context, self.record)
        return CaseAccess(
            user_excluded=access.excluded,
            user_restricted=access.restricted,
            message=access_message(self.record, access),
        )

    @strawberry.field(description="Current community offender manager; null when unallocated.")
    async def manager(self, info: Info) -> OffenderManager | None:
        managers = await info.context.delius.managers.load(self.record.offender_id) or ()
        current = next((m for m in managers if m.active), None)
        return None if current is None else OffenderManager.from_record(current, info)

    @strawberry.field(description="Every manager allocation, current first, then newest first.")
    async def manager_history(self, info: Info) -> list[OffenderManager]:
        managers = await info.context.delius.managers.load(self.record.offender_id) or ()
        return [OffenderManager.from_record(m, info) for m in managers]

    @strawberry.field(description="Court referrals (events), newest first.")
    async def events(
        self,
        info: Info,
        active_only: Annotated[
            bool, strawberry.argument(description="Only current events.")
        ] = True,
    ) -> list[Event]:
        records = await info.context.delius.events.load(self.record.offender_id) or ()
        return [Event.from_record(r) for r in records if r.active or not active_only]

    @strawberry.field(description="Register entries (flags), newest first.")
    async def registrations(
        self,
        info: Info,
        active_only: Annotated[
            bool, strawberry.argument(description="Only registrations not deregistered.")
        ] = True,
    ) -> list[Registration]:
        records = await info.context.delius.registrations.load(self.record.offender_id) or ()
        return [Registration.from_record(r) for r in records if r.active or not active_only]

    @strawberry.field(description="The current main address.")
    async def main_address(self, info: Info) -> Address | None:
        records = await info.context.delius.addresses.load(self.record.offender_id) or ()
        main = next((r for r in records if r.current and r.status.code == "M"), None)
        return None if main is None else Address.from_record(main)

    @strawberry.field(description="Addresses, newest first.")
    async def addresses(
        self,
        info: Info,
        current_only: Annotated[
            bool, strawberry.argument(description="Only addresses the person still lives at.")
        ] = True,
    ) -> list[Address]:
        records = await info.context.delius.addresses.load(self.record.offender_id) or ()
        return [Address.from_record(r) for r in records if r.current or not current_only]

    @strawberry.field(description="Earliest future appointment without an outcome.")
    async def next_appointment(self, info: Info) -> Contact | None:
        record = await info.context.delius.next_appointment.load(self.record.offender_id)
        return None if record is None else Contact.from_record(record)

    @strawberry.field(
        description="What the CRC that holds this case records about it. Null when no CRC "
        "holds it or its system is unavailable."
    )
    async def partner(self, info: Info) -> PartnerCase | None:
        managers = await info.context.delius.managers.load(self.record.offender_id) or ()
        current = next((m for m in managers if m.active), None)
        if current is None or not current.provider.is_private:
            return None
        return await resolve_partner_case(info, current.provider.code, self.record.crn)

    @strawberry.field(description="The activity log, newest first, a page at a time.")
    async def contacts(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="The `endCursor` of the previous page.")
        ] = None,
        filter: Annotated[
            ContactFilter | None, strawberry.argument(description="Which contacts to list.")
        ] = None,
    ) -> ContactConnection:
        spec = (filter or ContactFilter()).to_spec()
        request = ContactPageRequest(
            offender_id=self.record.offender_id,
            first=checked_page_size(first, info.context.limits),
            after=contact_position(after) if after is not None else None,
            filter=spec,
        )
        page = await info.context.delius.contact_page.load(request)
        contacts = page.contacts if page else ()
        return ContactConnection.of(
            contacts, bool(page and page.has_next), self.record.offender_id, spec
        )

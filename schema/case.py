"""The case: a person on probation, and everything nDelius holds about them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from adapters.records import CaseRecord
from resolvers import risk
from resolvers.context import Info
from resolvers.field_rules import (
    contact_page_request,
    flagged,
    main_address,
    partner_of,
    visible_record,
)
from resolvers.managers import current_manager
from resolvers.policy import CaseView
from resolvers.references import cases_of_crns, one_reference
from schema.common import CodedValue, coded
from schema.contacts import Contact, ContactConnection, ContactFilter
from schema.events import Event
from schema.manager import OffenderManager
from schema.partner import PartnerCase, lookahead
from schema.person import Address, CaseAccess, Identifiers, PersonName
from schema.registrations import Registration
from schema.risk import Assessment, PredictorScores, RiskOfSeriousHarm


@strawberry.federation.type(
    keys=["crn"],
    description="A person on probation: identity, management, events, flags and activity. "
    "When the caller may not see the case (limited access), only `crn` and `access` are "
    "given; every other field is null with a LIMITED_ACCESS error.",
)
class Case:
    crn: strawberry.ID = strawberry.field(description="Case Reference Number, e.g. X320741.")
    view: strawberry.Private[CaseView]

    @classmethod
    def of(cls, view: CaseView) -> Case:
        """The GraphQL face of a case as the caller may see it."""
        return cls(crn=strawberry.ID(view.record.crn), view=view)

    @property
    def record(self) -> CaseRecord:
        """The case, for fields the caller may see; LIMITED_ACCESS otherwise."""
        return visible_record(self.view)

    @classmethod
    async def resolve_reference(cls, info: Info, crn: strawberry.ID) -> Case | None:
        """Federation: a case by CRN, by the rule the planned ``_entities`` reads it by."""
        return cls.of(await one_reference(cases_of_crns, info.context, str(crn)))

    @strawberry.field(description="The person's name.")
    def name(self) -> PersonName | None:
        return PersonName.from_record(self.record)

    @strawberry.field(description="Date of birth.")
    def date_of_birth(self) -> date | None:
        return self.record.date_of_birth

    @strawberry.field(description="Gender.")
    def gender(self) -> CodedValue | None:
        return coded(self.record.gender)

    @strawberry.field(description="PNC, NOMS and CRO numbers.")
    def identifiers(self) -> Identifiers | None:
        return Identifiers.from_record(self.record)

    @strawberry.field(description="Management tier, e.g. B2 (A3 highest to D0 lowest).")
    def tier(self) -> CodedValue | None:
        return coded(self.record.tier)

    @strawberry.field(description="Limited-access status of this case for the caller.")
    def access(self) -> CaseAccess:
        return CaseAccess(
            user_excluded=self.view.access.excluded,
            user_restricted=self.view.access.restricted,
            message=self.view.message,
        )

    @strawberry.field(
        description="The current community offender manager. An unallocated case has its "
        "team's placeholder here (staff.unallocated is true); null only when nDelius holds no "
        "current allocation for the case."
    )
    async def manager(self, info: Info) -> OffenderManager | None:
        current = await current_manager(info.context, self.record.offender_id)
        return None if current is None else OffenderManager.from_record(current, info)

    @strawberry.field(description="Every manager allocation, current first, then newest first.")
    async def manager_history(self, info: Info) -> list[OffenderManager] | None:
        managers = await info.context.delius.managers.load(self.record.offender_id) or ()
        return [OffenderManager.from_record(m, info) for m in managers]

    @strawberry.field(description="Court referrals (events), newest first.")
    async def events(
        self,
        info: Info,
        active_only: Annotated[
            bool, strawberry.argument(description="Only current events.")
        ] = True,
    ) -> list[Event] | None:
        records = await info.context.delius.events.load(self.record.offender_id)
        return [Event.from_record(r) for r in flagged(records, "active", active_only)]

    @strawberry.field(description="Register entries (flags), newest first.")
    async def registrations(
        self,
        info: Info,
        active_only: Annotated[
            bool, strawberry.argument(description="Only registrations not deregistered.")
        ] = True,
    ) -> list[Registration] | None:
        records = await info.context.delius.registrations.load(self.record.offender_id)
        return [Registration.from_record(r) for r in flagged(records, "active", active_only)]

    @strawberry.field(description="The current main address.")
    async def main_address(self, info: Info) -> Address | None:
        main = main_address(await info.context.delius.addresses.load(self.record.offender_id))
        return None if main is None else Address.from_record(main)

    @strawberry.field(description="Addresses, newest first.")
    async def addresses(
        self,
        info: Info,
        current_only: Annotated[
            bool, strawberry.argument(description="Only addresses the person still lives at.")
        ] = True,
    ) -> list[Address] | None:
        records = await info.context.delius.addresses.load(self.record.offender_id)
        return [Address.from_record(r) for r in flagged(records, "current", current_only)]

    @strawberry.field(description="Earliest future appointment without an outcome.")
    async def next_appointment(self, info: Info) -> Contact | None:
        record = await info.context.delius.next_appointment.load(self.record.offender_id)
        return None if record is None else Contact.from_record(record)

    @strawberry.field(
        description="Latest risk of serious harm from OASys (SOAP). Null when OASys has none "
        "or is unavailable."
    )
    async def risk_of_serious_harm(self, info: Info) -> RiskOfSeriousHarm | None:
        record = await risk.risk_of_serious_harm(info.context.oasys, self.record.crn)
        return None if record is None else RiskOfSeriousHarm.from_record(record)

    @strawberry.field(
        description="Latest reconviction predictor scores (OGRS3, OGP, OVP, RSR) from OASys. "
        "Null when OASys has none or is unavailable."
    )
    async def predictor_scores(self, info: Info) -> PredictorScores | None:
        record = await risk.predictor_scores(info.context.oasys, self.record.crn)
        return None if record is None else PredictorScores.from_record(record)

    @strawberry.field(
        description="Completed (and locked incomplete) OASys assessments, newest first. Null "
        "when OASys is unavailable."
    )
    async def assessments(self, info: Info) -> list[Assessment] | None:
        crn = self.record.crn
        loader = risk.assessments_loader(info.context.oasys)
        if loader is None:
            return None
        records = risk.assessment_list(await loader.load(crn))
        return [Assessment.from_record(r) for r in records]

    @strawberry.field(
        description="What the CRC that holds this case records about it. Null when no CRC "
        "holds it or its system is unavailable."
    )
    async def partner(self, info: Info) -> PartnerCase | None:
        record = self.record
        found = await partner_of(info.context, record.offender_id, record.crn, lookahead(info))
        return None if found is None else PartnerCase.from_record(found)

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
    ) -> ContactConnection | None:
        spec = (filter or ContactFilter()).to_spec()
        request = contact_page_request(info.context, self.record.offender_id, first, after, spec)
        page = await info.context.delius.contact_page.load(request)
        contacts = page.contacts if page else ()
        return ContactConnection.of(
            contacts, bool(page and page.has_next), self.record.offender_id, spec
        )

"""Providers, teams and staff: who manages a case. Each is a federation entity by code."""

from __future__ import annotations

import strawberry

from adapters.records import ProviderRecord, StaffRecord, TeamRecord
from resolvers.context import Info
from resolvers.field_rules import required
from resolvers.references import (
    one_reference,
    providers_of_codes,
    staff_of_codes,
    teams_of_codes,
)
from schema.common import CodedValue, coded


@strawberry.federation.type(
    keys=["code"],
    description="A probation provider: an NPS region, or a Community Rehabilitation Company.",
)
class Provider:
    code: strawberry.ID = strawberry.field(description="Provider code, e.g. N07 or C01.")
    description: str = strawberry.field(description="The provider's name.")
    is_private: bool = strawberry.field(
        description="True for a private provider (a Community Rehabilitation Company, CRC)."
    )

    @classmethod
    def from_record(cls, record: ProviderRecord) -> Provider:
        """The GraphQL face of a provider record."""
        return cls(
            code=strawberry.ID(record.code),
            description=record.description,
            is_private=record.is_private,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, code: strawberry.ID) -> Provider | None:
        """Federation: a provider by code, batched with every other reference."""
        record = await one_reference(providers_of_codes, info.context, str(code))
        return None if record is None else cls.from_record(record)


@strawberry.federation.type(keys=["code"], description="A team of practitioners in one provider.")
class Team:
    code: strawberry.ID = strawberry.field(description="Team code, six characters, e.g. N07T01.")
    description: str = strawberry.field(description="The team's name.")
    telephone: str | None = strawberry.field(description="The team's telephone number.")
    provider_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: TeamRecord) -> Team:
        """The GraphQL face of a team record."""
        return cls(
            code=strawberry.ID(record.code),
            description=record.description,
            telephone=record.telephone,
            provider_id=record.provider_id,
        )

    @strawberry.field(description="The provider the team belongs to.")
    async def provider(self, info: Info) -> Provider:
        record = await info.context.delius.provider_by_id.load(self.provider_id)
        return Provider.from_record(required(record, "team without a provider"))

    @classmethod
    async def resolve_reference(cls, info: Info, code: strawberry.ID) -> Team | None:
        """Federation: a team by code, batched with every other reference."""
        record = await one_reference(teams_of_codes, info.context, str(code))
        return None if record is None else cls.from_record(record)


@strawberry.federation.type(keys=["code"], description="A member of staff (practitioner).")
class Staff:
    code: strawberry.ID = strawberry.field(description="Officer code, seven characters.")
    forename: str = strawberry.field(description="Forename.")
    surname: str = strawberry.field(description="Surname.")
    grade: CodedValue | None = strawberry.field(description="Grade, e.g. Probation Officer.")
    unallocated: bool = strawberry.field(
        description="Unallocated placeholder staff (legacy codes ending in U): the case has "
        "no named practitioner yet."
    )
    staff_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: StaffRecord) -> Staff:
        """The GraphQL face of a staff record."""
        return cls(
            code=strawberry.ID(record.code),
            forename=record.forename,
            surname=record.surname,
            grade=coded(record.grade),
            unallocated=record.unallocated,
            staff_id=record.id,
        )

    @strawberry.field(description="The teams this member of staff currently works in.")
    async def teams(self, info: Info) -> list[Team]:
        records = await info.context.delius.teams_by_staff.load(self.staff_id) or ()
        return [Team.from_record(record) for record in records]

    @classmethod
    async def resolve_reference(cls, info: Info, code: strawberry.ID) -> Staff | None:
        """Federation: a member of staff by code, batched with every other reference."""
        record = await one_reference(staff_of_codes, info.context, str(code))
        return None if record is None else cls.from_record(record)

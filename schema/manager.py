"""Offender manager allocations: which practitioner, team and provider hold a case."""

from __future__ import annotations

from datetime import date

import strawberry

from adapters.records import ManagerRecord
from resolvers.context import Info
from schema.organisation import Provider, Staff, Team


@strawberry.type(description="A community offender manager allocation, current or historic.")
class OffenderManager:
    staff: Staff = strawberry.field(description="The practitioner (or the team's placeholder).")
    team: Team = strawberry.field(description="The team the case is allocated to.")
    provider: Provider = strawberry.field(description="The provider that holds the case.")
    allocated_on: date = strawberry.field(description="When the allocation started.")
    ended_on: date | None = strawberry.field(description="When it ended; null while current.")

    @classmethod
    def from_record(cls, record: ManagerRecord, info: Info) -> OffenderManager:
        """The GraphQL face of an allocation; its provider is remembered for this request."""
        info.context.delius.provider_by_id.prime(record.provider.id, record.provider)
        return cls(
            staff=Staff.from_record(record.staff),
            team=Team.from_record(record.team),
            provider=Provider.from_record(record.provider),
            allocated_on=record.allocated_on,
            ended_on=record.ended_on,
        )

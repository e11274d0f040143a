"""Registrations: the risk and alert flags on a case."""

from __future__ import annotations

from datetime import date

import strawberry

from adapters.records import RegistrationRecord
from schema.common import CodedValue, coded


@strawberry.type(description="A register entry (flag) on a case, e.g. High RoSH or MAPPA.")
class Registration:
    type: CodedValue = strawberry.field(description="The register type, e.g. RHRH High RoSH.")
    colour: str | None = strawberry.field(description="Display colour: Red, Amber, Green, White.")
    level: CodedValue | None = strawberry.field(description="Level, e.g. MAPPA Level 2.")
    category: CodedValue | None = strawberry.field(description="Category, e.g. MAPPA Cat 1.")
    registered_on: date = strawberry.field(description="When the flag was registered.")
    next_review_on: date | None = strawberry.field(description="When it is next due a review.")
    review_overdue: bool = strawberry.field(
        description="True when an active registration has passed its review date."
    )
    active: bool = strawberry.field(description="False once deregistered.")

    @classmethod
    def from_record(cls, record: RegistrationRecord) -> Registration:
        """The GraphQL face of a registration record."""
        return cls(
            type=CodedValue.from_record(record.type),
            colour=record.colour,
            level=coded(record.level),
            category=coded(record.category),
            registered_on=record.registered_on,
            next_review_on=record.next_review_on,
            review_overdue=record.review_overdue,
            active=record.active,
        )

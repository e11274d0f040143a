"""Events (court referrals) with their offences and sentence, requirements and custody."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from adapters.records import (
    CustodyRecord,
    EventRecord,
    OffenceRecord,
    RequirementRecord,
    SentenceRecord,
)
from resolvers.context import Info
from resolvers.field_rules import additional_offences, flagged, main_offence
from schema.common import CodedValue, coded

Day = date
"""Alias for annotations in types that have a field named ``date``."""


@strawberry.type(description="An offence on an event.")
class Offence:
    code: str = strawberry.field(description="Home Office offence code, e.g. 02801.")
    description: str = strawberry.field(description="What the offence is.")
    category: str | None = strawberry.field(description="The offence's main category.")
    date: Day | None = strawberry.field(description="When the offence was committed.")
    count: int | None = strawberry.field(description="How many counts of it.")

    @classmethod
    def from_record(cls, record: OffenceRecord) -> Offence:
        """The GraphQL face of an offence record."""
        return cls(
            code=record.code,
            description=record.description,
            category=record.category,
            date=record.date,
            count=record.count,
        )


@strawberry.type(description="A requirement of a community or suspended sentence.")
class Requirement:
    category: CodedValue = strawberry.field(description="Main category, e.g. W Unpaid Work.")
    sub_category: CodedValue | None = strawberry.field(description="Sub-category.")
    length: int | None = strawberry.field(description="Length, in `lengthUnits`.")
    length_units: str | None = strawberry.field(description="Units of `length`, e.g. Hours.")
    start_date: Day = strawberry.field(description="When the requirement started.")
    termination_date: Day | None = strawberry.field(description="When it ended, if it has.")
    active: bool = strawberry.field(description="True while the requirement is in force.")

    @classmethod
    def from_record(cls, record: RequirementRecord) -> Requirement:
        """The GraphQL face of a requirement record."""
        return cls(
            category=CodedValue.from_record(record.category),
            sub_category=coded(record.sub_category),
            length=record.length,
            length_units=record.length_units,
            start_date=record.start_date,
            termination_date=record.termination_date,
            active=record.active,
        )


@strawberry.type(description="A key date of a custodial sentence.")
class KeyDate:
    type: CodedValue = strawberry.field(description="Which date, e.g. SED Sentence Expiry Date.")
    date: Day = strawberry.field(description="The date.")


@strawberry.type(description="The custodial part of a sentence.")
class Custody:
    status: CodedValue = strawberry.field(description="Custodial status, e.g. In Custody.")
    institution: str | None = strawberry.field(description="The prison, e.g. HMP Leeds.")
    key_dates: list[KeyDate] = strawberry.field(description="Key dates, earliest first.")

    @classmethod
    def from_record(cls, record: CustodyRecord) -> Custody:
        """The GraphQL face of a custody record."""
        return cls(
            status=CodedValue.from_record(record.status),
            institution=record.institution,
            key_dates=[
                KeyDate(type=CodedValue.from_record(k.type), date=k.date) for k in record.key_dates
            ],
        )


@strawberry.type(description="The sentence (disposal) of an event.")
class Sentence:
    type: CodedValue = strawberry.field(description="Sentence type, e.g. 329 ORA Community Order.")
    date: Day = strawberry.field(description="When the sentence started.")
    length: int | None = strawberry.field(description="Length, in `lengthUnits`.")
    length_units: str | None = strawberry.field(description="Units of `length`, e.g. Months.")
    expected_end_date: Day | None = strawberry.field(
        description="When the sentence is expected to end (a user override where one is set)."
    )
    termination_date: Day | None = strawberry.field(description="When it ended, if it has.")
    sentence_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: SentenceRecord) -> Sentence:
        """The GraphQL face of a sentence record."""
        return cls(
            type=CodedValue.from_record(record.type),
            date=record.date,
            length=record.length,
            length_units=record.length_units,
            expected_end_date=record.expected_end_date,
            termination_date=record.termination_date,
            sentence_id=record.id,
        )

    @strawberry.field(description="The sentence's requirements, in start order.")
    async def requirements(
        self,
        info: Info,
        active_only: Annotated[
            bool, strawberry.argument(description="Only requirements still in force.")
        ] = True,
    ) -> list[Requirement]:
        records = await info.context.delius.requirements.load(self.sentence_id)
        return [Requirement.from_record(r) for r in flagged(records, "active", active_only)]

    @strawberry.field(description="The custodial part, for custodial sentences.")
    async def custody(self, info: Info) -> Custody | None:
        record = await info.context.delius.custody.load(self.sentence_id)
        return None if record is None else Custody.from_record(record)


@strawberry.type(description="An event: one court referral, with its offences and sentence.")
class Event:
    number: int = strawberry.field(description="The event's number within the case (1, 2, ...).")
    active: bool = strawberry.field(description="True while the event is current.")
    referral_date: Day = strawberry.field(description="When the case was referred.")
    conviction_date: Day | None = strawberry.field(description="When the person was convicted.")
    in_breach: bool = strawberry.field(description="True while breach action is under way.")
    event_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: EventRecord) -> Event:
        """The GraphQL face of an event record."""
        return cls(
            number=record.number,
            active=record.active,
            referral_date=record.referral_date,
            conviction_date=record.conviction_date,
            in_breach=record.in_breach,
            event_id=record.id,
        )

    @strawberry.field(description="The main offence.")
    async def main_offence(self, info: Info) -> Offence | None:
        main = main_offence(await info.context.delius.offences.load(self.event_id))
        return None if main is None else Offence.from_record(main)

    @strawberry.field(description="Further offences on the same event.")
    async def additional_offences(self, info: Info) -> list[Offence]:
        records = await info.context.delius.offences.load(self.event_id)
        return [Offence.from_record(r) for r in additional_offences(records)]

    @strawberry.field(description="The sentence; null while the event is awaiting sentence.")
    async def sentence(self, info: Info) -> Sentence | None:
        record = await info.context.delius.sentence.load(self.event_id)
        return None if record is None else Sentence.from_record(record)

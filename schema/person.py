"""The person: name, identifiers, addresses, and the caller's limited-access standing."""

from __future__ import annotations

from datetime import date

import strawberry

from adapters.records import AddressRecord, CaseRecord
from schema.common import CodedValue


@strawberry.type(description="The person's name as nDelius records it.")
class PersonName:
    forename: str = strawberry.field(description="First name.")
    middle_names: list[str] = strawberry.field(description="Second and third names, in order.")
    surname: str = strawberry.field(description="Family name.")
    preferred_name: str | None = strawberry.field(description="The name the person prefers.")

    @classmethod
    def from_record(cls, record: CaseRecord) -> PersonName:
        """The name parts of a case."""
        return cls(
            forename=record.forename,
            middle_names=list(record.middle_names),
            surname=record.surname,
            preferred_name=record.preferred_name,
        )


@strawberry.type(description="Numbers other justice systems know the person by.")
class Identifiers:
    pnc_number: str | None = strawberry.field(
        description="Police National Computer number, e.g. 2004/0712343H."
    )
    noms_number: str | None = strawberry.field(description="Prison (NOMS) number, e.g. A1234BC.")
    cro_number: str | None = strawberry.field(
        description="Criminal Records Office number, e.g. 123456/04A."
    )

    @classmethod
    def from_record(cls, record: CaseRecord) -> Identifiers:
        """The identifiers of a case."""
        return cls(
            pnc_number=record.pnc_number,
            noms_number=record.noms_number,
            cro_number=record.cro_number,
        )


@strawberry.type(description="Limited-access standing of a case for the caller.")
class CaseAccess:
    user_excluded: bool = strawberry.field(
        description="The caller is on an active exclusion list for this case."
    )
    user_restricted: bool = strawberry.field(
        description="The case is restricted to named users and the caller is not one of them."
    )
    message: str | None = strawberry.field(
        description="The message to show instead of the case, when excluded or restricted."
    )


@strawberry.type(description="An address of the person, current or historic.")
class Address:
    building_name: str | None = strawberry.field(description="Building name.")
    address_number: str | None = strawberry.field(description="House or flat number.")
    street_name: str | None = strawberry.field(description="Street.")
    district: str | None = strawberry.field(description="District or locality.")
    town: str | None = strawberry.field(description="Town or city.")
    county: str | None = strawberry.field(description="County.")
    postcode: str | None = strawberry.field(description="Postcode.")
    no_fixed_abode: bool = strawberry.field(description="True when the person has no fixed abode.")
    status: CodedValue = strawberry.field(description="Main, previous or secondary address.")
    start_date: date = strawberry.field(description="When the person started living here.")
    end_date: date | None = strawberry.field(description="When they left; null while current.")

    @classmethod
    def from_record(cls, record: AddressRecord) -> Address:
        """The GraphQL face of an address record."""
        return cls(
            building_name=record.building_name,
            address_number=record.address_number,
            street_name=record.street_name,
            district=record.district,
            town=record.town,
            county=record.county,
            postcode=record.postcode,
            no_fixed_abode=record.no_fixed_abode,
            status=CodedValue.from_record(record.status),
            start_date=record.start_date,
            end_date=record.end_date,
        )

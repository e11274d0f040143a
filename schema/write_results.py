"""The result of the write mutations: the contact as stored now, or why not.

Expected refusals are data: ``ContactResult.problems`` lists each with the input field
to blame, a stable code and a message. The top-level errors list is kept for outages
and bugs.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.utils.str_converters import to_camel_case

from adapters.records import WriteProblem, WriteResult
from schema.contacts import Contact


@strawberry.enum(
    name="ProblemCode",
    description="Why a write was refused; each is something the caller can act on.",
)
class ProblemCodeType(Enum):
    INVALID_INPUT = strawberry.enum_value(
        "INVALID_INPUT", description="An input value is malformed: see the field and message."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such case or contact visible to the caller."
    )
    LIMITED_ACCESS = strawberry.enum_value(
        "LIMITED_ACCESS", description="The case is a limited-access case the caller may not see."
    )
    UNKNOWN_USER = strawberry.enum_value(
        "UNKNOWN_USER",
        description="The caller is not a current nDelius user, so cannot sign the write.",
    )
    UNKNOWN_CONTACT_TYPE = strawberry.enum_value(
        "UNKNOWN_CONTACT_TYPE", description="No contact type with this code."
    )
    CONTACT_TYPE_NOT_ALLOWED = strawberry.enum_value(
        "CONTACT_TYPE_NOT_ALLOWED",
        description="The contact type is not selectable, or is system-generated.",
    )
    NOT_AN_APPOINTMENT = strawberry.enum_value(
        "NOT_AN_APPOINTMENT",
        description="An appointment was needed (type or contact needing attendance).",
    )
    APPOINTMENT_TYPE_NOT_ALLOWED = strawberry.enum_value(
        "APPOINTMENT_TYPE_NOT_ALLOWED", description="A case note cannot use an appointment type."
    )
    UNKNOWN_OUTCOME = strawberry.enum_value(
        "UNKNOWN_OUTCOME", description="No selectable outcome with this code."
    )
    UNKNOWN_EVENT = strawberry.enum_value(
        "UNKNOWN_EVENT", description="The case has no live event with this number."
    )
    UNKNOWN_STAFF = strawberry.enum_value(
        "UNKNOWN_STAFF", description="No current member of staff with this code."
    )
    UNKNOWN_TEAM = strawberry.enum_value(
        "UNKNOWN_TEAM", description="No current team with this code."
    )
    STAFF_NOT_IN_TEAM = strawberry.enum_value(
        "STAFF_NOT_IN_TEAM", description="The member of staff is not in the team."
    )
    NO_MANAGER = strawberry.enum_value(
        "NO_MANAGER",
        description="The case has no manager to hold the contact: name staff and team.",
    )
    OUT_OF_PROVIDER = strawberry.enum_value(
        "OUT_OF_PROVIDER", description="A partner may place contacts only with its own provider."
    )
    UNKNOWN_LOCATION = strawberry.enum_value(
        "UNKNOWN_LOCATION",
        description="No current office location with this code at the team's provider.",
    )
    LOCATION_REQUIRED = strawberry.enum_value(
        "LOCATION_REQUIRED", description="The contact type needs an office location."
    )
    END_BEFORE_START = strawberry.enum_value(
        "END_BEFORE_START", description="The end is not later the same day than the start."
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT",
        description="The contact changed since the caller read it: read it again (currentVersion).",
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="The idempotency key was used before with a different input.",
    )


@strawberry.type(description="Why a write was refused.")
class Problem:
    field: str | None = strawberry.field(
        description="The input field to blame (e.g. typeCode); null when no one field is."
    )
    code: ProblemCodeType = strawberry.field(description="A stable code for programs.")
    message: str = strawberry.field(description="What went wrong, for people.")

    @classmethod
    def from_record(cls, record: WriteProblem) -> Problem:
        """The GraphQL face of a problem."""
        field = None if record.field is None else to_camel_case(record.field)
        return cls(field=field, code=ProblemCodeType(record.code.value), message=record.message)


@strawberry.type(description="What a write did: the contact as stored now, or why not.")
class ContactResult:
    contact: Contact | None = strawberry.field(
        description="The contact as stored now; null when the write was refused (except on "
        "CONFLICT, where it is the current contact)."
    )
    replayed: bool = strawberry.field(
        description="True when this call repeated an earlier one with the same idempotency key."
    )
    problems: list[Problem] = strawberry.field(
        description="Why the write was refused; empty when it succeeded or was replayed."
    )
    current_version: int | None = strawberry.field(
        description="On CONFLICT, the contact's current version: read it again and retry."
    )

    @classmethod
    def from_result(cls, result: WriteResult) -> ContactResult:
        """The GraphQL face of a write result."""
        return cls(
            contact=None if result.contact is None else Contact.from_record(result.contact),
            replayed=result.replayed,
            problems=[Problem.from_record(p) for p in result.problems],
            current_version=result.current_version,
        )

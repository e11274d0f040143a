"""The root of the write graph: appointments, their outcomes, and case notes.

Every mutation needs the contact-writing role and a case the caller may see; each is
exactly-once per idempotency key, and all-or-nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.permission import BasePermission

from adapters.records import ProblemCode, WriteProblem, WriteResult
from resolvers import writes
from resolvers.context import Info
from resolvers.errors import ErrorCode, PublicError
from resolvers.viewer import Role
from schema.write_results import ContactResult
from schema.write_types import AddCaseNoteInput, RecordOutcomeInput, ScheduleAppointmentInput


class CanWriteContacts(BasePermission):
    """The caller holds the contact-writing role (the case policy is checked per case)."""

    message = "you may not write contacts"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Checked before the resolver runs."""
        return Role.WRITE_CONTACTS in info.context.caller.roles

    def on_unauthorized(self) -> None:
        """A coded FORBIDDEN error at the field."""
        raise PublicError(self.message, code=ErrorCode.FORBIDDEN)


def _contact_id(value: strawberry.ID) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


@strawberry.type(description="Writes: recording work back into nDelius.")
class Mutation:
    @strawberry.mutation(
        description="Book an appointment on a case. Exactly once per idempotency key.",
        permission_classes=[CanWriteContacts],
    )
    async def schedule_appointment(
        self,
        info: Info,
        input: Annotated[
            ScheduleAppointmentInput,
            strawberry.argument(description="The appointment to book, with its idempotency key."),
        ],
    ) -> ContactResult:
        result = await writes.create_contact(
            info.context,
            str(input.crn),
            input.to_draft(),
            input.idempotency_key,
            "scheduleAppointment",
        )
        return ContactResult.from_result(result)

    @strawberry.mutation(
        description="Record (or change) an appointment's outcome, against the version last "
        "read. Exactly once per idempotency key.",
        permission_classes=[CanWriteContacts],
    )
    async def record_appointment_outcome(
        self,
        info: Info,
        input: Annotated[
            RecordOutcomeInput,
            strawberry.argument(
                description="The appointment, its outcome and the version last read, with "
                "an idempotency key."
            ),
        ],
    ) -> ContactResult:
        contact_id = _contact_id(input.contact_id)
        if contact_id is None:
            problem = WriteProblem("contact_id", ProblemCode.INVALID_INPUT, "not a contact id")
            return ContactResult.from_result(WriteResult(contact=None, problems=(problem,)))
        result = await writes.record_outcome(
            info.context,
            input.to_draft(contact_id),
            input.idempotency_key,
            "recordAppointmentOutcome",
        )
        return ContactResult.from_result(result)

    @strawberry.mutation(
        description="Add a case note (a contact needing no attendance), dated now. Exactly "
        "once per idempotency key.",
        permission_classes=[CanWriteContacts],
    )
    async def add_case_note(
        self,
        info: Info,
        input: Annotated[
            AddCaseNoteInput,
            strawberry.argument(description="The note to add, with its idempotency key."),
        ],
    ) -> ContactResult:
        result = await writes.create_contact(
            info.context,
            str(input.crn),
            input.to_draft(),
            input.idempotency_key,
            "addCaseNote",
        )
        return ContactResult.from_result(result)

"""The inputs of the write mutations, and how each becomes the adapter's draft."""

from __future__ import annotations

from datetime import datetime

import strawberry

from adapters.queries import ContactDraft, OutcomeDraft

KEY_DESCRIPTION = (
    "Same key + same input = same result, however often it is retried; the same key with "
    "a different input is refused (IDEMPOTENCY_KEY_REUSED). Keys are per caller."
)


def _code(value: str | None) -> str | None:
    """Codes are upper case without padding."""
    return None if value is None else value.strip().upper()


@strawberry.input(description="A new appointment for a case.")
class ScheduleAppointmentInput:
    crn: strawberry.ID = strawberry.field(description="The case's CRN.")
    type_code: str = strawberry.field(
        description="An appointment contact type (needs attendance), e.g. COAP or COPT."
    )
    start: datetime = strawberry.field(description="When it starts, with a UTC offset.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    end: datetime | None = strawberry.field(
        default=None, description="When it ends: later the same day (UK time)."
    )
    staff_code: strawberry.ID | None = strawberry.field(
        default=None, description="Who holds it; default: the case's manager."
    )
    team_code: strawberry.ID | None = strawberry.field(
        default=None, description="The team that holds it; default: the case's manager's."
    )
    office_location_code: strawberry.ID | None = strawberry.field(
        default=None, description="Where it takes place; required by office types (e.g. COAP)."
    )
    event_number: int | None = strawberry.field(
        default=None, description="The case's live event it belongs to, if any."
    )
    notes: str | None = strawberry.field(default=None, description="Notes.")
    sensitive: bool | None = strawberry.field(
        default=None, description="Mark sensitive; default: what the contact type says."
    )
    external_reference: str | None = strawberry.field(
        default=None,
        description="Partner's own reference, stored as the contact's external reference.",
    )

    def to_draft(self) -> ContactDraft:
        """The adapter's form of this input."""
        return ContactDraft(
            type_code=_code(self.type_code) or "",
            appointment=True,
            start=self.start,
            end=self.end,
            staff_code=_code(self.staff_code),
            team_code=_code(self.team_code),
            office_location_code=_code(self.office_location_code),
            event_number=self.event_number,
            notes=self.notes,
            external_reference=self.external_reference,
            sensitive=self.sensitive,
        )


@strawberry.input(description="The outcome of an appointment.")
class RecordOutcomeInput:
    contact_id: strawberry.ID = strawberry.field(description="The appointment's contact id.")
    outcome_code: str = strawberry.field(description="An outcome code, e.g. ATTC or AFTA.")
    expected_version: int = strawberry.field(
        description="The version the caller last read; a stale version is refused with CONFLICT."
    )
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    notes: str | None = strawberry.field(
        default=None, description="Notes, added after the appointment's existing notes."
    )

    def to_draft(self, contact_id: int) -> OutcomeDraft:
        """The adapter's form of this input."""
        return OutcomeDraft(
            contact_id=contact_id,
            outcome_code=_code(self.outcome_code) or "",
            expected_version=self.expected_version,
            notes=self.notes,
        )


@strawberry.input(description="A case note: a contact that needs no attendance, dated now.")
class AddCaseNoteInput:
    crn: strawberry.ID = strawberry.field(description="The case's CRN.")
    type_code: str = strawberry.field(
        description="A note contact type (no attendance), e.g. CTOB or CMOA."
    )
    notes: str = strawberry.field(description="The note.")
    idempotency_key: str = strawberry.field(description=KEY_DESCRIPTION)
    sensitive: bool | None = strawberry.field(
        default=None, description="Mark sensitive; default: what the contact type says."
    )
    event_number: int | None = strawberry.field(
        default=None, description="The case's live event it belongs to, if any."
    )
    staff_code: strawberry.ID | None = strawberry.field(
        default=None, description="Who holds it; default: the case's manager."
    )
    team_code: strawberry.ID | None = strawberry.field(
        default=None, description="The team that holds it; default: the case's manager's."
    )
    external_reference: str | None = strawberry.field(
        default=None,
        description="Partner's own reference, stored as the contact's external reference.",
    )

    def to_draft(self) -> ContactDraft:
        """The adapter's form of this input."""
        return ContactDraft(
            type_code=_code(self.type_code) or "",
            appointment=False,
            staff_code=_code(self.staff_code),
            team_code=_code(self.team_code),
            event_number=self.event_number,
            notes=self.notes,
            external_reference=self.external_reference,
            sensitive=self.sensitive,
        )

"""The names of case events: HMPPS domain-event types where one exists, the same style
for the rest. One list, so the capture, the query's ``types`` check and the README agree."""

from __future__ import annotations

from enum import StrEnum


class CaseEventType(StrEnum):
    """Every event type the case-event feed can carry."""

    CASE_CREATED = "probation-case.engagement.created"
    PERSONAL_DETAILS_UPDATED = "probation-case.personal-details.updated"
    MANAGER_ALLOCATED = "person.community.manager.allocated"
    MANAGER_TRANSFERRED = "person.community.manager.transferred"
    REGISTRATION_ADDED = "probation-case.registration.added"
    REGISTRATION_UPDATED = "probation-case.registration.updated"
    REGISTRATION_DEREGISTERED = "probation-case.registration.deregistered"
    REGISTRATION_DELETED = "probation-case.registration.deleted"
    ADDRESS_CREATED = "probation-case.address.created"
    ADDRESS_UPDATED = "probation-case.address.updated"
    ADDRESS_DELETED = "probation-case.address.deleted"
    APPOINTMENT_BOOKED = "probation-case.appointment.booked"
    APPOINTMENT_RESCHEDULED = "probation-case.appointment.rescheduled"
    APPOINTMENT_OUTCOME_RECORDED = "probation-case.appointment.outcome-recorded"
    APPOINTMENT_DELETED = "probation-case.appointment.deleted"
    CASE_NOTE_ADDED = "probation-case.case-note.added"
    CASE_NOTE_UPDATED = "probation-case.case-note.updated"
    CASE_NOTE_DELETED = "probation-case.case-note.deleted"
    EVENT_CREATED = "probation-case.event.created"
    EVENT_UPDATED = "probation-case.event.updated"
    EVENT_DELETED = "probation-case.event.deleted"
    SENTENCE_CREATED = "probation-case.sentence.created"
    SENTENCE_UPDATED = "probation-case.sentence.updated"
    SENTENCE_DELETED = "probation-case.sentence.deleted"


DESCRIPTIONS: dict[CaseEventType, str] = {
    CaseEventType.CASE_CREATED: "A new case was created in nDelius",
    CaseEventType.PERSONAL_DETAILS_UPDATED: "The person's details were updated",
    CaseEventType.MANAGER_ALLOCATED: "A community manager was allocated to the case",
    CaseEventType.MANAGER_TRANSFERRED: "The case was transferred to another provider",
    CaseEventType.REGISTRATION_ADDED: "A registration was added",
    CaseEventType.REGISTRATION_UPDATED: "A registration was updated",
    CaseEventType.REGISTRATION_DEREGISTERED: "A registration was deregistered",
    CaseEventType.REGISTRATION_DELETED: "A registration was deleted",
    CaseEventType.ADDRESS_CREATED: "An address was created",
    CaseEventType.ADDRESS_UPDATED: "An address was updated",
    CaseEventType.ADDRESS_DELETED: "An address was deleted",
    CaseEventType.APPOINTMENT_BOOKED: "An appointment was booked",
    CaseEventType.APPOINTMENT_RESCHEDULED: "An appointment was changed",
    CaseEventType.APPOINTMENT_OUTCOME_RECORDED: "An appointment outcome was recorded",
    CaseEventType.APPOINTMENT_DELETED: "An appointment was deleted",
    CaseEventType.CASE_NOTE_ADDED: "A case note was added",
    CaseEventType.CASE_NOTE_UPDATED: "A case note was updated",
    CaseEventType.CASE_NOTE_DELETED: "A case note was deleted",
    CaseEventType.EVENT_CREATED: "An event (conviction) was created",
    CaseEventType.EVENT_UPDATED: "An event (conviction) was updated",
    CaseEventType.EVENT_DELETED: "An event (conviction) was deleted",
    CaseEventType.SENTENCE_CREATED: "A sentence was created",
    CaseEventType.SENTENCE_UPDATED: "A sentence was updated",
    CaseEventType.SENTENCE_DELETED: "A sentence was deleted",
}

"""The HMPPS domain-event envelope, as consumers receive it.

The fields HMPPS consumers already parse (``eventType``, ``version``, ``occurredAt`` with
its Europe/London offset, ``description``, ``detailUrl``, ``additionalInformation``,
``personReference.identifiers``) plus ``eventId``, the id to deduplicate on. It carries
identifiers only, never case content, so it never says more than a reader of the case
could read; the details are read through the graph at ``detailUrl``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.delius.decode import LONDON
from adapters.delius.events_feed.mapping import EventDraft
from adapters.records import CaseEventType

VERSION = 1

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


def envelope(draft: EventDraft, detail_url: str) -> Mapping[str, Any]:
    """The envelope of one event."""
    return {
        "eventId": str(draft.event_id),
        "eventType": draft.event_type,
        "version": VERSION,
        "occurredAt": draft.occurred_at.astimezone(LONDON).isoformat(),
        "description": DESCRIPTIONS[CaseEventType(draft.event_type)],
        "detailUrl": detail_url,
        "additionalInformation": dict(draft.additional_information),
        "personReference": {"identifiers": [{"type": "CRN", "value": draft.crn}]},
    }

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

from adapters.case_event_types import DESCRIPTIONS, CaseEventType
from adapters.delius.decode import LONDON
from adapters.delius.events_feed.mapping import EventDraft

VERSION = 1


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

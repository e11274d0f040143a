"""Who receives which case event: the read policy (``resolvers/policy.py``), applied to
events when they are delivered, not when they were captured.

In order, deny by default:

1. the caller must be able to read cases at all (``policy.can_read_cases``);
2. a partner receives an event only of a case its provider held once the event happened
   (``provider_code``), except the transfer: ``person.community.manager.transferred``
   goes to the losing provider (``previous_provider_code``) only. So the loser receives
   the transfer and nothing after it; the gainer the allocation and what follows;
3. a limited-access case (exclusion or restriction, checked now, with the caller's
   username, exactly as a read checks it) gives the caller nothing: no event, so neither
   its type, its CRN nor how many there were. A case that can no longer be found gives
   nothing either;
4. if the access check cannot be made, nothing is delivered (SERVICE_UNAVAILABLE): the
   caller tries again later, from the same cursor.

Envelopes carry identifiers only (see ``adapters/delius/events_feed/envelope.py``), so an
event delivered never says more than a read of the case would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from adapters.errors import BackendError
from adapters.records import AccessRecord, CaseEventRecord, CaseEventType, CaseRecord
from resolvers.errors import ErrorCode, PublicError
from resolvers.policy import access_message, can_read_cases
from resolvers.viewer import Caller, Role

TRANSFERRED = CaseEventType.MANAGER_TRANSFERRED.value


class CaseAccessPort(Protocol):
    """The one read the audience needs: cases and their access standing for a user."""

    async def cases_with_access(
        self, crns: Sequence[str], username: str | None
    ) -> Mapping[str, tuple[CaseRecord, AccessRecord]]: ...


def partner_caller(provider_code: str, client_id: str | None = None) -> Caller:
    """The caller a partner's deliveries are decided for: its client, no username."""
    return Caller(
        client_id=client_id or f"crc-{provider_code}",
        roles=frozenset({Role.PARTNER}),
        provider_code=provider_code,
    )


def in_partner_scope(caller: Caller, event: CaseEventRecord) -> bool:
    """Rule 2: whether a partner may receive this event by who held the case."""
    if not caller.is_partner:
        return True
    if event.event_type == TRANSFERRED:
        return event.previous_provider_code == caller.provider_code
    return event.provider_code == caller.provider_code


async def events_for(
    caller: Caller, events: Sequence[CaseEventRecord], access: CaseAccessPort
) -> list[CaseEventRecord]:
    """The events this caller may receive, in the order given."""
    if not can_read_cases(caller):
        return []
    scoped = [event for event in events if in_partner_scope(caller, event)]
    if not scoped:
        return []
    crns = sorted({event.crn for event in scoped})
    try:
        found = await access.cases_with_access(crns, caller.username)
    except BackendError as error:
        raise PublicError(
            "access to these cases cannot be checked now",
            code=ErrorCode.SERVICE_UNAVAILABLE,
            source="delius",
        ) from error
    readable = {
        crn for crn, (record, standing) in found.items() if access_message(record, standing) is None
    }
    return [event for event in scoped if event.crn in readable]

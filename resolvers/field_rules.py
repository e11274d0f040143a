"""The rules of the case's fields, written once for both executors.

``schema/`` (through graphql-core) and ``executor/`` (through compiled plans) each turn
records into answers; whatever decides *which* records a field shows, or whether a caller
may read a value, lives here so the two can never drift apart:

0. a limited-access case shows only its CRN and access standing, every other field fails;
1. the main address is the current address whose status is ``M``;
2. a sensitive contact's notes are shown only to callers with ``READ_SENSITIVE``;
3. a page of contacts is asked for with a checked page size and a decoded cursor;
4. ``activeOnly`` (and ``currentOnly``) keep the records whose flag is set, unless false;
5. an event's main offence is the one flagged main, the others are additional;
6. a relation the graph promises but legacy data lacks is an error, not a null;
7. a case's partner record comes from the CRC of its current manager's provider, only when
   that provider is private and its CRC registered (see ``resolvers.partner``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from adapters.crc.records import PartnerCaseRecord
from adapters.queries import ContactFilterSpec, ContactPageRequest
from adapters.records import AddressRecord, CaseRecord, ContactRecord, OffenceRecord
from resolvers.cases import checked_page_size
from resolvers.context import Context
from resolvers.cursors import contact_position
from resolvers.managers import current_manager
from resolvers.partner import Lookahead, partner_case
from resolvers.policy import CaseView, limited_access
from resolvers.viewer import Caller, Role

T = TypeVar("T")

MAIN_ADDRESS_STATUS = "M"


def visible_record(view: CaseView) -> CaseRecord:
    """The case behind a view, for a field the caller may see; LIMITED_ACCESS otherwise
    (the caller then sees only the CRN and the access standing)."""
    if view.message is not None:
        raise limited_access(view)
    return view.record


def main_address(addresses: Iterable[AddressRecord] | None) -> AddressRecord | None:
    """The current main address of a case, or None when it has none."""
    return next(
        (a for a in addresses or () if a.current and a.status.code == MAIN_ADDRESS_STATUS), None
    )


def readable_notes(contact: ContactRecord, caller: Caller) -> str | None:
    """A contact's notes as this caller may read them: null for a sensitive contact unless
    the caller holds the sensitive-reading role."""
    if contact.sensitive and Role.READ_SENSITIVE not in caller.roles:
        return None
    return contact.notes


def contact_page_request(
    context: Context, offender_id: int, first: int, after: str | None, spec: ContactFilterSpec
) -> ContactPageRequest:
    """The adapter's question for one page of a case's contacts; BAD_USER_INPUT for a page
    size over the limit or a cursor that is not ours."""
    return ContactPageRequest(
        offender_id=offender_id,
        first=checked_page_size(first, context.limits),
        after=contact_position(after) if after is not None else None,
        filter=spec,
    )


def flagged(records: Iterable[T] | None, flag: str, only: bool) -> list[T]:
    """``records`` in order, keeping only those whose ``flag`` is true when ``only`` is set:
    the rule of ``activeOnly`` (events, registrations, requirements) and ``currentOnly``
    (addresses)."""
    return [r for r in records or () if not only or getattr(r, flag)]


def main_offence(offences: Iterable[OffenceRecord] | None) -> OffenceRecord | None:
    """The offence flagged main on an event, or None."""
    return next((o for o in offences or () if o.main), None)


def additional_offences(offences: Iterable[OffenceRecord] | None) -> list[OffenceRecord]:
    """An event's offences other than the main one, in order."""
    return [o for o in offences or () if not o.main]


def required(record: T | None, what: str) -> T:
    """A related record the schema promises (non-null); legacy data without the row is an
    unexpected error at the field, as graphql-core reports it."""
    if record is None:
        raise LookupError(what)
    return record


async def partner_of(
    context: Context, offender_id: int, crn: str, ahead: Lookahead
) -> PartnerCaseRecord | None:
    """What the CRC holding a case records about it: None unless the current manager's
    provider is private (a CRC) and registered, or when that CRC does not hold the case.

    The provider is already in hand, so ``PartnerCase.provider`` costs no statement.
    """
    current = await current_manager(context, offender_id)
    if current is None or not current.provider.is_private:
        return None
    provider = current.provider
    context.delius.provider_by_code.prime(provider.code, provider)
    return await partner_case(context.crc, provider.code, crn, ahead)

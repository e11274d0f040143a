"""From committed nDelius row changes to case events: which change means what.

The rules, applied to each transaction in commit order:

1. a row of ``casegraph.case_event_outbox`` is Case Graph's own write: it becomes the
   event, and the CONTACT change it stands for in the same transaction gives none;
2. an UPDATE that sets ``SOFT_DELETED = 1`` is a deletion; a hard DELETE carries only the
   key (no replica identity FULL on legacy tables), names no case, and is skipped;
3. a new active OFFENDER_MANAGER row is an allocation; when its provider differs from the
   one before (the row deactivated in the same transaction, else the case's last stored
   event), a transfer comes first: ``transferred`` names the losing provider,
   ``allocated`` the gaining one;
4. every event carries the provider holding the case once it happened: the holder after
   the last allocation seen so far in this read, else (before the read's first
   allocation of that case) the provider it replaced, else the current holder in nDelius.

Event ids are UUIDv5 of the change's place in the WAL, so a replay after a crash gives
the same ids and the store ignores them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.delius.events_feed.decoding import RowChange, Transaction
from adapters.records import CaseEventType as T

_NAMESPACE = uuid.UUID("8f1c6a2e-3b1d-5c57-9a43-6361736567ff")

_SIMPLE: Mapping[str, tuple[T, T, T, str]] = {
    # table: (on insert, on update, on soft delete, id column)
    "public.offender": (
        T.CASE_CREATED,
        T.PERSONAL_DETAILS_UPDATED,
        T.PERSONAL_DETAILS_UPDATED,
        "offender_id",
    ),
    "public.registration": (
        T.REGISTRATION_ADDED,
        T.REGISTRATION_UPDATED,
        T.REGISTRATION_DELETED,
        "registration_id",
    ),
    "public.offender_address": (
        T.ADDRESS_CREATED,
        T.ADDRESS_UPDATED,
        T.ADDRESS_DELETED,
        "offender_address_id",
    ),
    "public.event": (T.EVENT_CREATED, T.EVENT_UPDATED, T.EVENT_DELETED, "event_id"),
    "public.disposal": (T.SENTENCE_CREATED, T.SENTENCE_UPDATED, T.SENTENCE_DELETED, "disposal_id"),
}
_INFO_KEY = {
    "offender_id": None,
    "registration_id": "registrationId",
    "offender_address_id": "addressId",
    "event_id": "eventId",
    "disposal_id": "sentenceId",
    "contact_id": "contactId",
}
OUTBOX = "casegraph.case_event_outbox"
WATCHED = frozenset(
    {*_SIMPLE, "public.contact", "public.offender_manager", "public.deregistration", OUTBOX}
)


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event ready to store; ``position`` is given when stored."""

    event_id: uuid.UUID
    crn: str
    event_type: str
    occurred_at: datetime
    provider_code: str | None
    previous_provider_code: str | None
    additional_information: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the mapping needs to know from nDelius and the store, read once per batch."""

    crns: Mapping[int, str]
    provider_codes: Mapping[int, str]
    appointment_types: frozenset[int]
    holders: Mapping[int, str]  # offender id -> provider of the active manager now
    last_stored_holders: Mapping[str, str]  # crn -> provider_code of its last stored event


@dataclass(slots=True)
class _Pending:
    """One event before the holder is settled."""

    change_key: str
    offender_id: int
    event_type: T
    occurred_at: datetime
    info: dict[str, Any]
    crn: str | None = None
    provider: str | None = None
    previous: str | None = None


@dataclass(slots=True)
class _Holders:
    """The holder of each case as the read walks through it."""

    facts: Facts
    now: dict[int, str | None] = field(default_factory=dict)

    def before_read(self, offender_id: int, first_previous: Mapping[int, str | None]) -> str | None:
        if offender_id in first_previous:
            return first_previous[offender_id]
        return self.facts.holders.get(offender_id)

    def current(self, offender_id: int, first_previous: Mapping[int, str | None]) -> str | None:
        if offender_id not in self.now:
            self.now[offender_id] = self.before_read(offender_id, first_previous)
        return self.now[offender_id]


def touches_cases(transaction: Transaction) -> bool:
    """Whether a transaction changed any table that gives case events."""
    return any(change.table in WATCHED for change in transaction.changes)


def offender_ids(batch: Sequence[Transaction]) -> set[int]:
    """Every case a batch of transactions touches (for the batch's one lookup)."""
    found = set()
    for change in _watched(batch):
        if (offender := change.number("offender_id")) is not None:
            found.add(offender)
    return found


def lookup_keys(batch: Sequence[Transaction]) -> tuple[set[int], set[int]]:
    """(probation area ids, contact type ids) a batch mentions."""
    areas, types = set(), set()
    for change in _watched(batch):
        if change.table == "public.offender_manager" and (
            area := change.number("probation_area_id")
        ):
            areas.add(area)
        if change.table == "public.contact" and (kind := change.number("contact_type_id")):
            types.add(kind)
    return areas, types


def drafts(batch: Sequence[Transaction], facts: Facts) -> list[EventDraft]:
    """The events of a batch of committed transactions, in commit order."""
    pending: list[_Pending] = []
    first_previous: dict[int, str | None] = {}
    for transaction in batch:
        occurred = transaction.committed_at or datetime.now(UTC)
        pending.extend(_transaction_events(transaction, occurred, facts, first_previous))
    holders = _Holders(facts)
    result = []
    for item in pending:
        crn = item.crn or facts.crns.get(item.offender_id)
        if crn is None:
            continue
        if item.event_type is T.MANAGER_ALLOCATED or item.event_type is T.MANAGER_TRANSFERRED:
            holders.now[item.offender_id] = item.provider
            provider, previous = item.provider, item.previous
        else:
            provider, previous = holders.current(item.offender_id, first_previous), None
        result.append(
            EventDraft(
                event_id=uuid.uuid5(_NAMESPACE, item.change_key),
                crn=crn,
                event_type=item.event_type.value,
                occurred_at=item.occurred_at,
                provider_code=provider,
                previous_provider_code=previous,
                additional_information=item.info,
            )
        )
    return result


def _transaction_events(
    transaction: Transaction,
    occurred: datetime,
    facts: Facts,
    first_previous: dict[int, str | None],
) -> Iterator[_Pending]:
    changes = [c for c in transaction.changes if c.table in WATCHED]
    own = {c.number("contact_id") for c in changes if c.table == OUTBOX}
    contact_cases = {
        c.number("contact_id"): c.number("offender_id") or 0
        for c in changes
        if c.table == "public.contact"
    }
    deregistered = {
        c.number("registration_id") for c in changes if c.table == "public.deregistration"
    }
    released = {
        c.number("offender_id"): facts.provider_codes.get(c.number("probation_area_id") or 0)
        for c in changes
        if c.table == "public.offender_manager"
        and c.kind == "UPDATE"
        and c.columns.get("active_flag") == "0"
    }
    for change in changes:
        key = f"{transaction.end_lsn}:{change.lsn}:{change.table}:{change.kind}"
        offender = change.number("offender_id")
        if change.table == OUTBOX:
            yield _outbox_event(change, key, occurred, contact_cases)
            continue
        if offender is None or change.kind == "DELETE":
            continue
        deleted = change.columns.get("soft_deleted") == "1"
        if change.table == "public.contact":
            if change.number("contact_id") in own:
                continue
            yield _pending(
                key, offender, _contact_type(change, deleted, facts), occurred, change, "contact_id"
            )
        elif change.table == "public.deregistration":
            yield _pending(
                key, offender, T.REGISTRATION_DEREGISTERED, occurred, change, "registration_id"
            )
        elif change.table == "public.registration":
            if (
                change.kind == "UPDATE"
                and not deleted
                and change.number("registration_id") in deregistered
            ):
                continue  # the DEREGISTRATION row of the same transaction tells it
            inserted, updated, removed, id_column = _SIMPLE[change.table]
            kind = inserted if change.kind == "INSERT" else (removed if deleted else updated)
            yield _pending(key, offender, kind, occurred, change, id_column)
        elif change.table == "public.offender_manager":
            yield from _allocation(change, key, offender, occurred, facts, released, first_previous)
        else:
            inserted, updated, removed, id_column = _SIMPLE[change.table]
            if change.table == "public.offender" and deleted:
                continue  # a merged-away duplicate: its CRN lives on in the kept row
            kind = inserted if change.kind == "INSERT" else (removed if deleted else updated)
            yield _pending(key, offender, kind, occurred, change, id_column)


def _allocation(
    change: RowChange,
    key: str,
    offender: int,
    occurred: datetime,
    facts: Facts,
    released: Mapping[int | None, str | None],
    first_previous: dict[int, str | None],
) -> Iterator[_Pending]:
    if change.columns.get("active_flag") != "1" or change.columns.get("soft_deleted") == "1":
        return
    provider = facts.provider_codes.get(change.number("probation_area_id") or 0)
    crn = facts.crns.get(offender)
    previous = released.get(offender)
    if previous is None and offender not in first_previous and crn is not None:
        previous = facts.last_stored_holders.get(crn)
    if offender not in first_previous:
        first_previous[offender] = previous if previous is not None else provider
    info = {"providerCode": provider}
    if previous is not None and previous != provider:
        yield _Pending(
            f"{key}:transfer",
            offender,
            T.MANAGER_TRANSFERRED,
            occurred,
            {"previousProviderCode": previous},
            provider=provider,
            previous=previous,
        )
    yield _Pending(key, offender, T.MANAGER_ALLOCATED, occurred, info, provider=provider)


def _contact_type(change: RowChange, deleted: bool, facts: Facts) -> T:
    appointment = change.number("contact_type_id") in facts.appointment_types
    if change.kind == "INSERT":
        return T.APPOINTMENT_BOOKED if appointment else T.CASE_NOTE_ADDED
    if deleted:
        return T.APPOINTMENT_DELETED if appointment else T.CASE_NOTE_DELETED
    if not appointment:
        return T.CASE_NOTE_UPDATED
    if change.columns.get("contact_outcome_type_id") is not None:
        return T.APPOINTMENT_OUTCOME_RECORDED
    return T.APPOINTMENT_RESCHEDULED


def _outbox_event(
    change: RowChange, key: str, occurred: datetime, contact_cases: Mapping[int | None, int]
) -> _Pending:
    return _Pending(
        key,
        offender_id=contact_cases.get(change.number("contact_id"), 0),
        event_type=T(change.columns["event_type"] or ""),
        occurred_at=occurred,
        info={"contactId": change.number("contact_id")},
        crn=change.columns["crn"],
    )


def _pending(
    key: str, offender: int, kind: T, occurred: datetime, change: RowChange, id_column: str
) -> _Pending:
    info_key = _INFO_KEY[id_column]
    info = {info_key: change.number(id_column)} if info_key else {}
    return _Pending(key, offender, kind, occurred, info)


def _watched(batch: Sequence[Transaction]) -> Iterator[RowChange]:
    for transaction in batch:
        for change in transaction.changes:
            if change.table in WATCHED:
                yield change

"""The ``caseEvents`` query and subscription: the stored feed, resumable from a cursor,
through the audience rules of ``resolvers/event_audience.py``.

A cursor names an event by its id (opaque, base64url of ``ce:<uuid>``), never by its
position: positions count every case's events, so exposing them would tell a caller how
many events it did not receive. A page is filled by reading on past the events the caller
may not have (partners are pre-filtered in SQL by the same rule), so it never reveals
them by being short; ``hasNextPage`` says only whether the caller has more.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

from adapters.ports import CaseEventPort
from adapters.records import AccessRecord, CaseEventRecord, CaseEventType, CaseRecord
from resolvers.audit import Outcome
from resolvers.cases import checked_crn
from resolvers.context import Context
from resolvers.errors import ErrorCode, PublicError, bad_input
from resolvers.event_audience import CaseAccessPort, events_for
from resolvers.policy import require_case_reader

_PREFIX = "ce:"
_READ_AHEAD = 100
LIVE_WAIT_SECONDS = 5.0
KNOWN_TYPES = frozenset(t.value for t in CaseEventType)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a caller asked for: after which event, which types, which cases."""

    after: int
    types: tuple[str, ...] | None
    crns: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class CaseEventPage:
    """One page of the caller's events, each with its cursor."""

    edges: list[tuple[str, CaseEventRecord]]
    has_next: bool

    @property
    def end_cursor(self) -> str | None:
        """The cursor of the page's last event; None on an empty page."""
        return self.edges[-1][0] if self.edges else None


def cursor_of(event: CaseEventRecord) -> str:
    """The opaque cursor just after this event."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{event.event_id}".encode()).decode()


def event_id_of(cursor: str) -> uuid.UUID:
    """The event a cursor names; BAD_USER_INPUT when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        return uuid.UUID(text.removeprefix(_PREFIX))
    except (ValueError, UnicodeError, binascii.Error):
        raise bad_input("`after` is not a case-event cursor") from None


async def event_filter(
    context: Context,
    after: str | None,
    types: Sequence[str] | None,
    crns: Sequence[str] | None,
    *,
    live: bool = False,
) -> EventFilter:
    """The caller's request checked: a known cursor, known types, valid CRNs. Without a
    cursor a query starts at the oldest kept event, a live subscription at the newest."""
    require_case_reader(context.caller)
    feed = feed_of(context)
    unknown = sorted(set(types or ()) - KNOWN_TYPES)
    if unknown:
        raise bad_input(f"unknown event type: {unknown[0]}")
    if crns is not None and len(crns) > context.limits.max_cases:
        raise bad_input(f"at most {context.limits.max_cases} CRNs at once")
    position = await feed.last_position() if live and after is None else 0
    if after is not None:
        found = await feed.position_of(event_id_of(after))
        if found is None:
            raise bad_input("`after` names no retained event: start again without it")
        position = found
    return EventFilter(
        after=position,
        types=tuple(types) if types is not None else None,
        crns=tuple(checked_crn(c) for c in crns) if crns is not None else None,
    )


async def case_events_page(context: Context, wanted: EventFilter, first: int) -> CaseEventPage:
    """Up to ``first`` events the caller may have, after the filter's position."""
    limit = context.limits.max_page_size
    if not 0 <= first <= limit:
        raise bad_input(f"`first` must be between 0 and {limit}")
    found, more, _ = await _visible_after(context, wanted, first, _RequestAccess(context))
    for event in found:
        context.audit.touch(event.crn, Outcome.VISIBLE)
    return CaseEventPage(edges=[(cursor_of(e), e) for e in found], has_next=more)


async def case_event_stream(
    context: Context, wanted: EventFilter
) -> AsyncIterator[tuple[str, CaseEventRecord]]:
    """Every event the caller may have after the filter's position, then each new one as
    it is stored, until the client stops. Access is checked afresh for every batch."""
    feed = feed_of(context)
    backends = context.backends
    assert backends is not None
    position = wanted.after
    while True:
        ticket = feed.ticket()
        found, more, scanned = await _visible_after(
            context, EventFilter(position, wanted.types, wanted.crns), _READ_AHEAD, backends.delius
        )
        for event in found:
            yield cursor_of(event), event
        if more:
            position = found[-1].position
            continue
        position = scanned
        await feed.wait(ticket, LIVE_WAIT_SECONDS)


async def _visible_after(
    context: Context, wanted: EventFilter, first: int, access: CaseAccessPort
) -> tuple[list[CaseEventRecord], bool, int]:
    """The first ``first`` events the caller may have after ``wanted.after``, whether more
    follow, and how far the feed was read; reads on in chunks past events it may not have."""
    feed = feed_of(context)
    caller = context.caller
    position, found = wanted.after, []
    while True:
        chunk = await feed.events_after(
            position,
            max(first + 1, _READ_AHEAD),
            types=wanted.types,
            crns=wanted.crns,
            provider_code=caller.provider_code,
        )
        found.extend(await events_for(caller, chunk, access))
        if len(found) > first:
            return found[:first], True, found[first - 1].position if first else position
        if chunk:
            position = chunk[-1].position
        if len(chunk) < max(first + 1, _READ_AHEAD):
            return found, False, position


def feed_of(context: Context) -> CaseEventPort:
    """The stored feed, or SERVICE_UNAVAILABLE when this deployment has none."""
    feed = context.backends.case_events if context.backends is not None else None
    if feed is None:
        raise PublicError(
            "case events are not available: the nDelius database gives no change feed",
            code=ErrorCode.SERVICE_UNAVAILABLE,
            source="delius",
        )
    return feed


class _RequestAccess:
    """The request's own loaders as the audience's access check (a query is one request)."""

    def __init__(self, context: Context) -> None:
        self._context = context

    async def cases_with_access(
        self, crns: Sequence[str], username: str | None
    ) -> Mapping[str, tuple[CaseRecord, AccessRecord]]:
        found = await self._context.delius.case_with_access.load_many(list(crns))
        return {crn: item for crn, item in zip(crns, found, strict=True) if item is not None}

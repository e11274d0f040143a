"""Case events in the graph: the catch-up query and the live subscription, one type."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from adapters.records import CaseEventRecord
from resolvers.case_events import case_event_stream, case_events_page, event_filter
from resolvers.context import Info
from resolvers.errors import ErrorCode, PublicError
from schema.common import PageInfo
from schema.permissions import CanReadCases

_AFTER = strawberry.argument(
    description="A cursor: start after this event (omit: from the oldest kept)."
)
_TYPES = strawberry.argument(
    description="Only these event types, e.g. probation-case.registration.added (omit: all)."
)
_CRNS = strawberry.argument(
    description="Only events of these cases (omit: every case you may see)."
)


@strawberry.type(description="Something that happened to a case, as an HMPPS domain event.")
class CaseEvent:
    record: strawberry.Private[CaseEventRecord]

    @strawberry.field(description="The event's id: stable, the same on every redelivery.")
    def event_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.event_id))

    @strawberry.field(description="The HMPPS event type, e.g. person.community.manager.allocated.")
    def event_type(self) -> str:
        return self.record.event_type

    @strawberry.field(description="The case's CRN.")
    def crn(self) -> strawberry.ID:
        return strawberry.ID(self.record.crn)

    @strawberry.field(description="When the change was committed in nDelius.")
    def occurred_at(self) -> datetime:
        return self.record.occurred_at

    @strawberry.field(description="What happened, in words.")
    def description(self) -> str:
        return str(self.record.envelope.get("description", ""))

    @strawberry.field(description="Ids of what changed (contactId, registrationId, ...).")
    def additional_information(self) -> JSON:
        info: Any = self.record.envelope.get("additionalInformation", {})
        return info  # type: ignore[no-any-return]

    @strawberry.field(description="The whole HMPPS domain-event envelope, as webhooks send it.")
    def envelope(self) -> JSON:
        return dict(self.record.envelope)  # type: ignore[return-value]


@strawberry.type(description="A case event in the feed, and the cursor just after it.")
class CaseEventEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this event.")
    node: CaseEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of the case-event feed, oldest first.")
class CaseEventConnection:
    edges: list[CaseEventEdge] = strawberry.field(description="The events of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")


async def case_events(
    info: Info,
    after: Annotated[str | None, _AFTER] = None,
    first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 50,
    types: Annotated[list[str] | None, _TYPES] = None,
    crns: Annotated[list[strawberry.ID] | None, _CRNS] = None,
) -> CaseEventConnection:
    """The events of the cases the caller may see, oldest first, from a cursor."""
    wanted = await event_filter(info.context, after, types, _plain(crns))
    page = await case_events_page(info.context, wanted, first)
    return CaseEventConnection(
        edges=[CaseEventEdge(cursor=c, node=CaseEvent(record=r)) for c, r in page.edges],
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
    )


@strawberry.type(description="Live updates, over graphql-transport-ws.")
class Subscription:
    @strawberry.subscription(
        description="The caller's case events from `after` (or from now when omitted), then "
        "each new one as it is stored. Over graphql-transport-ws, with the token in "
        'connection_init\'s payload as {"Authorization": "Bearer ..."}.',
        permission_classes=[CanReadCases],
    )
    async def case_events(
        self,
        info: Info,
        after: Annotated[str | None, _AFTER] = None,
        types: Annotated[list[str] | None, _TYPES] = None,
        crns: Annotated[list[strawberry.ID] | None, _CRNS] = None,
    ) -> AsyncGenerator[CaseEventEdge, None]:
        context = info.context
        if context.subscriptions is None:
            raise PublicError("subscribe over a websocket", code=ErrorCode.BAD_REQUEST)
        wanted = await event_filter(context, after, types, _plain(crns), live=True)
        with context.subscriptions.hold(context.caller):
            async for cursor, record in case_event_stream(context, wanted):
                yield CaseEventEdge(cursor=cursor, node=CaseEvent(record=record))


def _plain(crns: list[strawberry.ID] | None) -> list[str] | None:
    return None if crns is None else [str(crn) for crn in crns]

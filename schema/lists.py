"""Pages of cases: caseloads and search results."""

from __future__ import annotations

import strawberry

from adapters.records import CaseRecord
from resolvers.context import Info
from resolvers.lists import CaseListPage
from resolvers.policy import view_of
from schema.case import Case
from schema.common import PageInfo


@strawberry.type(description="A case in a list, and the cursor just after it.")
class CaseEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this case.")
    record: strawberry.Private[CaseRecord]

    @strawberry.field(
        description="The case. For a case under limited access only `crn` and `access` are "
        "given (the list redacts, it does not drop)."
    )
    async def node(self, info: Info) -> Case | None:
        return Case.of(await view_of(info.context, self.record))


@strawberry.type(description="A page of cases.")
class CaseConnection:
    edges: list[CaseEdge] = strawberry.field(description="The cases of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    total_count: int | None = strawberry.field(
        description="How many cases match across all pages, where known."
    )

    @classmethod
    def of(cls, page: CaseListPage) -> CaseConnection:
        """A connection over one page of cases."""
        return cls(
            edges=[CaseEdge(cursor=cursor, record=record) for cursor, record in page.edges],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )

"""Pages of cases, read the same way by both executors: a search and a caseload.

Each page is the found cases with their cursors; the access policy decides each case when
its node is read (``view_of``), so a list redacts limited cases rather than dropping them.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.queries import CaseloadPosition, CaseSearchSpec
from adapters.records import CasePage, CaseRecord
from resolvers.cases import checked_page_size, organisation_code
from resolvers.context import Context
from resolvers.cursors import caseload_cursor, caseload_position, offset_cursor, offset_position
from resolvers.errors import bad_input


@dataclass(frozen=True, slots=True)
class CaseListPage:
    """One page of cases: each case with the cursor just after it."""

    edges: tuple[tuple[str, CaseRecord], ...]
    has_next: bool
    total_count: int | None

    @property
    def end_cursor(self) -> str | None:
        """The cursor of the last case, to continue after this page."""
        return self.edges[-1][0] if self.edges else None


def scope_of(context: Context) -> str | None:
    """The provider a partner caller is confined to; None for staff."""
    caller = context.caller
    return caller.provider_code if caller.is_partner else None


async def search_page(
    context: Context, spec: CaseSearchSpec, first: int, after: str | None
) -> CaseListPage:
    """One page of search results, best matches first."""
    if spec.is_empty():
        raise bad_input("give at least one search criterion")
    if any("\x00" in (text or "") for text in (spec.name, spec.pnc_number, spec.noms_number)):
        raise bad_input("search text may not contain NUL characters")
    size = checked_page_size(first, context.limits)
    offset = offset_position(after) if after is not None else 0
    page = await context.delius.search(spec, size, offset, scope_of(context))
    return _paged(page, [offset_cursor(offset + i + 1) for i in range(len(page.cases))])


async def caseload_page(
    context: Context, staff_code: str, first: int, after: str | None
) -> CaseListPage:
    """One page of the cases a member of staff currently manages, by name."""
    size = checked_page_size(first, context.limits)
    position = caseload_position(after) if after is not None else None
    page = await context.delius.caseload(
        organisation_code(staff_code), size, position, scope_of(context)
    )
    cursors = [
        caseload_cursor(CaseloadPosition(surname=r.surname, forename=r.forename, crn=r.crn))
        for r in page.cases
    ]
    return _paged(page, cursors)


def _paged(page: CasePage, cursors: list[str]) -> CaseListPage:
    return CaseListPage(
        edges=tuple(zip(cursors, page.cases, strict=True)),
        has_next=page.has_next,
        total_count=page.total_count,
    )

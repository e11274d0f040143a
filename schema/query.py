"""The root of the read graph: cases by CRN, lists of cases, organisation, and the caller."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, cast

import strawberry

from adapters.queries import CaseloadPosition, CaseSearchSpec
from resolvers.cases import checked_page_size, visible_case
from resolvers.context import Info
from resolvers.cursors import (
    caseload_cursor,
    caseload_position,
    offset_cursor,
    offset_position,
)
from resolvers.errors import PublicError, bad_input
from schema.case import Case
from schema.lists import CaseConnection
from schema.organisation import Provider, Staff, Team


@strawberry.input(description="Search criteria; give at least one. They combine with AND.")
class CaseSearch:
    name: str | None = strawberry.field(
        default=None, description="Any part of the name; spelling need not be exact."
    )
    date_of_birth: date | None = strawberry.field(default=None, description="Exact date of birth.")
    pnc_number: str | None = strawberry.field(default=None, description="Exact PNC number.")
    noms_number: str | None = strawberry.field(default=None, description="Exact NOMS number.")


@strawberry.type(description="The caller, as the API sees them.")
class Viewer:
    username: str | None = strawberry.field(
        description="The user's login name; null for a system (client-credentials) caller."
    )
    client_id: str = strawberry.field(description="The OAuth client the caller came through.")
    roles: list[str] = strawberry.field(description="The roles granted to the caller.")
    provider_code: strawberry.Private[str | None]

    @strawberry.field(description="For a partner client, the provider (CRC) it acts for.")
    async def provider(self, info: Info) -> Provider | None:
        if self.provider_code is None:
            return None
        record = await info.context.delius.provider_by_code.load(self.provider_code)
        return None if record is None else Provider.from_record(record)


async def _case_or_error(info: Info, crn: str) -> Case | PublicError | None:
    try:
        record = await visible_case(info.context, crn)
    except PublicError as error:
        return error
    return None if record is None else Case.from_record(record)


@strawberry.type(description="Reads of the case graph.")
class Query:
    @strawberry.field(
        description="One case by Case Reference Number (CRN, e.g. X320741). Null when no such "
        "case is visible to the caller."
    )
    async def case(self, info: Info, crn: strawberry.ID) -> Case | None:
        record = await visible_case(info.context, str(crn))
        return None if record is None else Case.from_record(record)

    @strawberry.field(
        description="Up to 100 cases at once, in the order asked; null (with an error) for any "
        "CRN not valid or not visible, null for one not found."
    )
    async def cases(self, info: Info, crns: list[strawberry.ID]) -> list[Case | None]:
        limit = info.context.limits.max_cases
        if len(crns) > limit:
            raise bad_input(f"at most {limit} CRNs at once")
        results = await asyncio.gather(*(_case_or_error(info, str(crn)) for crn in crns))
        # An error instance in a list becomes null at its own index with its error.
        return cast(list[Case | None], results)

    @strawberry.field(
        description="Find cases by any mix of name (fuzzy), date of birth, PNC or NOMS number; "
        "best matches first."
    )
    async def search_cases(
        self,
        info: Info,
        query: CaseSearch,
        first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 20,
        after: Annotated[str | None, strawberry.argument(description="Previous endCursor.")] = None,
    ) -> CaseConnection:
        spec = CaseSearchSpec(
            name=query.name,
            date_of_birth=query.date_of_birth,
            pnc_number=query.pnc_number,
            noms_number=query.noms_number,
        )
        if spec.is_empty():
            raise bad_input("give at least one search criterion")
        size = checked_page_size(first, info.context.limits)
        offset = offset_position(after) if after is not None else 0
        page = await info.context.delius.search(spec, size, offset)
        for record in page.cases:
            info.context.delius.case_by_crn.prime(record.crn, record)
        return CaseConnection.of(page, lambda i, _: offset_cursor(offset + i + 1))

    @strawberry.field(description="The cases currently managed by one member of staff.")
    async def caseload(
        self,
        info: Info,
        staff_code: strawberry.ID,
        first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 50,
        after: Annotated[str | None, strawberry.argument(description="Previous endCursor.")] = None,
    ) -> CaseConnection:
        size = checked_page_size(first, info.context.limits)
        position = caseload_position(after) if after is not None else None
        page = await info.context.delius.caseload(str(staff_code).strip().upper(), size, position)
        for record in page.cases:
            info.context.delius.case_by_crn.prime(record.crn, record)
        return CaseConnection.of(
            page,
            lambda _, r: caseload_cursor(
                CaseloadPosition(surname=r.surname, forename=r.forename, crn=r.crn)
            ),
        )

    @strawberry.field(description="A member of staff by officer code.")
    async def staff(self, info: Info, code: strawberry.ID) -> Staff | None:
        return await Staff.resolve_reference(info, code)

    @strawberry.field(description="A team by code.")
    async def team(self, info: Info, code: strawberry.ID) -> Team | None:
        return await Team.resolve_reference(info, code)

    @strawberry.field(description="A provider by code.")
    async def provider(self, info: Info, code: strawberry.ID) -> Provider | None:
        return await Provider.resolve_reference(info, code)

    @strawberry.field(description="The caller, as the API sees them: username, roles, provider.")
    def me(self, info: Info) -> Viewer:
        caller = info.context.caller
        return Viewer(
            username=caller.username,
            client_id=caller.client_id,
            roles=sorted(caller.roles),
            provider_code=caller.provider_code,
        )

"""The root of the read graph: cases by CRN, lists of cases, organisation, and the caller."""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast

import strawberry

from adapters.queries import CaseSearchSpec
from resolvers.context import Info
from resolvers.lists import caseload_page, search_page
from resolvers.policy import CaseView, view_of_crn, views_of_crns
from resolvers.references import provider_of_caller
from resolvers.viewer import listed_roles
from schema.case import Case
from schema.case_events import CaseEventConnection, case_events
from schema.lists import CaseConnection
from schema.organisation import Provider, Staff, Team
from schema.permissions import CanReadCases, IsAuthenticated


@strawberry.input(description="Search criteria; give at least one. They combine with AND.")
class CaseSearch:
    name: str | None = strawberry.field(
        default=None, description="Any part of the name; spelling need not be exact."
    )
    date_of_birth: date | None = strawberry.field(default=None, description="Exact date of birth.")
    pnc_number: str | None = strawberry.field(default=None, description="Exact PNC number.")
    noms_number: str | None = strawberry.field(default=None, description="Exact NOMS number.")

    def to_spec(self) -> CaseSearchSpec:
        """The adapter's form of these criteria."""
        return CaseSearchSpec(
            name=self.name,
            date_of_birth=self.date_of_birth,
            pnc_number=self.pnc_number,
            noms_number=self.noms_number,
        )


@strawberry.type(description="The caller, as the API sees them.")
class Viewer:
    username: str | None = strawberry.field(
        description="The user's login name; null for a system (client-credentials) caller."
    )
    client_id: str = strawberry.field(description="The OAuth client the caller came through.")
    roles: list[str] = strawberry.field(description="The roles granted to the caller.")

    @strawberry.field(description="For a partner client, the provider (CRC) it acts for.")
    async def provider(self, info: Info) -> Provider | None:
        record = await provider_of_caller(info.context)
        return None if record is None else Provider.from_record(record)


@strawberry.type(description="Reads of the case graph.")
class Query:
    @strawberry.field(
        description="One case by Case Reference Number (CRN, e.g. X320741). Null, with a "
        "NOT_FOUND error, when no such case is visible to the caller.",
        permission_classes=[CanReadCases],
    )
    async def case(
        self,
        info: Info,
        crn: Annotated[
            strawberry.ID,
            strawberry.argument(description="The Case Reference Number, e.g. X320741."),
        ],
    ) -> Case | None:
        return Case.of(await view_of_crn(info.context, str(crn)))

    @strawberry.field(
        description="Up to 100 cases at once, in the order asked; null, with an error at its "
        "index, for any CRN not valid, not found or not visible.",
        permission_classes=[CanReadCases],
    )
    async def cases(
        self,
        info: Info,
        crns: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="The CRNs to read (at most 100); answers come back in this order."
            ),
        ],
    ) -> list[Case | None]:
        views = await views_of_crns(info.context, [str(crn) for crn in crns])
        # An error instance in a list becomes null at its own index with its error.
        results = [Case.of(v) if isinstance(v, CaseView) else v for v in views]
        return cast(list[Case | None], results)

    @strawberry.field(
        description="Find cases by any mix of name (fuzzy), date of birth, PNC or NOMS number; "
        "best matches first.",
        permission_classes=[CanReadCases],
    )
    async def search_cases(
        self,
        info: Info,
        query: Annotated[
            CaseSearch,
            strawberry.argument(description="What to look for; give at least one criterion."),
        ],
        first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 20,
        after: Annotated[str | None, strawberry.argument(description="Previous endCursor.")] = None,
    ) -> CaseConnection:
        return CaseConnection.of(await search_page(info.context, query.to_spec(), first, after))

    @strawberry.field(
        description="The cases currently managed by one member of staff.",
        permission_classes=[CanReadCases],
    )
    async def caseload(
        self,
        info: Info,
        staff_code: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The practitioner's officer code (seven characters, e.g. N07A001)."
            ),
        ],
        first: Annotated[int, strawberry.argument(description="Page size (0 to 100).")] = 50,
        after: Annotated[str | None, strawberry.argument(description="Previous endCursor.")] = None,
    ) -> CaseConnection:
        page = await caseload_page(info.context, str(staff_code), first, after)
        return CaseConnection.of(page)

    @strawberry.field(
        description="A member of staff by officer code.", permission_classes=[CanReadCases]
    )
    async def staff(
        self,
        info: Info,
        code: Annotated[
            strawberry.ID,
            strawberry.argument(description="Officer code, seven characters, e.g. N07A001."),
        ],
    ) -> Staff | None:
        return await Staff.resolve_reference(info, code)

    @strawberry.field(description="A team by code.", permission_classes=[CanReadCases])
    async def team(
        self,
        info: Info,
        code: Annotated[
            strawberry.ID,
            strawberry.argument(description="Team code, six characters, e.g. N07T01."),
        ],
    ) -> Team | None:
        return await Team.resolve_reference(info, code)

    @strawberry.field(description="A provider by code.", permission_classes=[CanReadCases])
    async def provider(
        self,
        info: Info,
        code: Annotated[
            strawberry.ID,
            strawberry.argument(description="Provider code, three characters, e.g. N07."),
        ],
    ) -> Provider | None:
        return await Provider.resolve_reference(info, code)

    case_events: CaseEventConnection = strawberry.field(
        resolver=case_events,
        description="The case-event feed, oldest first: what changed in the cases the caller "
        "may see, as HMPPS domain events. Resume from a page's endCursor.",
        permission_classes=[CanReadCases],
    )

    @strawberry.field(
        description="The caller, as the API sees them: username, roles, provider.",
        permission_classes=[IsAuthenticated],
    )
    def me(self, info: Info) -> Viewer:
        caller = info.context.caller
        return Viewer(
            username=caller.username,
            client_id=caller.client_id,
            roles=listed_roles(caller),
        )

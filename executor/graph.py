"""The fields the planned executor covers, each answering exactly as its schema/ resolver.

Sources per type: ``Case`` and ``CaseAccess`` get a ``CaseView``; ``PersonName`` and
``Identifiers`` the ``CaseRecord``; ``CaseConnection`` a ``CaseListPage`` and ``CaseEdge``
a ``(cursor, CaseRecord)`` pair; ``ContactConnection`` a ``ContactSlice``; ``ContactEdge``
a ``ContactRecord``; ``PageInfo`` a ``(has_next, end_cursor)`` pair; every other type its
adapter record. A field missing here sends the whole document to graphql-core.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, TypeVar

from strawberry.utils.str_converters import to_camel_case

from adapters.queries import ContactFilterSpec, ContactPageRequest
from adapters.records import CaseRecord, ContactPage, ContactRecord, ManagerRecord
from executor.attributes import attributes_of
from executor.federation_fields import FEDERATION_FIELDS
from executor.partner_fields import PARTNER_FIELDS, managers_by_crn_first
from executor.risk_fields import RISK_FIELDS
from executor.specs import Args, Call, Load, Spec, Sync, itself, listed, loaded, merged
from executor.tree import Selection, selects
from resolvers import field_rules
from resolvers.context import Context
from resolvers.cursors import contact_cursor
from resolvers.errors import PublicError
from resolvers.lists import CaseListPage, caseload_page, search_page
from resolvers.managers import current_of
from resolvers.policy import CaseView, view_of, view_of_crn, views_of_crns
from resolvers.references import (
    ReferenceRule,
    one_reference,
    providers_of_codes,
    staff_of_codes,
    teams_of_codes,
)
from schema.common import CodedValue
from schema.contacts import Contact, ContactFilter
from schema.events import Custody, Event, KeyDate, Offence, Requirement, Sentence
from schema.manager import OffenderManager
from schema.organisation import Provider, Staff, Team
from schema.person import Address, Identifiers, PersonName
from schema.query import CaseSearch
from schema.registrations import Registration

T = TypeVar("T")


class ContactSlice(NamedTuple):
    """One page of a case's contacts, with what ``totalCount`` needs."""

    contacts: tuple[ContactRecord, ...]
    has_next: bool
    offender_id: int
    spec: ContactFilterSpec


record = field_rules.visible_record


def _offender(view: CaseView, args: Args, context: Context) -> int:
    return record(view).offender_id


def _case_field(name: str) -> Sync:
    def get(view: CaseView, args: Args, context: Context) -> Any:
        return getattr(record(view), name)

    return Sync(get)


def _whole_record(view: CaseView, args: Args, context: Context) -> CaseRecord:
    return record(view)


def _current(
    managers: Any, key: Any, view: Any, args: Args, context: Context
) -> ManagerRecord | None:
    current = current_of(managers)
    if current is not None:
        context.delius.provider_by_id.prime(current.provider.id, current.provider)
    return current


def _history(
    managers: Any, key: Any, view: Any, args: Args, context: Context
) -> list[ManagerRecord]:
    found = list(managers or ())
    for manager in found:
        context.delius.provider_by_id.prime(manager.provider.id, manager.provider)
    return found


def _filtered(flag: str, argument: str) -> Any:
    def then(records: Any, key: Any, source: Any, args: Args, context: Context) -> list[Any]:
        return field_rules.flagged(records, flag, bool(args[argument]))

    return then


def _main_address(records: Any, key: Any, view: Any, args: Args, context: Context) -> Any:
    return field_rules.main_address(records)


def input_of(cls: type[T], given: Any) -> T:
    """An input object as its resolver receives it (graphql-core gives a dict by GraphQL
    field name, strawberry an instance)."""
    if isinstance(given, cls):
        return given
    fields = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
    return cls(
        **{
            f.python_name: given[name]
            for f in fields
            if (name := f.graphql_name or to_camel_case(f.python_name)) in given
        }
    )


def contact_filter(given: Any) -> ContactFilter:
    """The ``filter`` argument as the resolver receives it (none: every contact)."""
    return ContactFilter() if given is None else input_of(ContactFilter, given)


def _contact_request(view: CaseView, args: Args, context: Context) -> ContactPageRequest:
    spec = contact_filter(args["filter"]).to_spec()
    offender_id = record(view).offender_id
    return field_rules.contact_page_request(
        context, offender_id, args["first"], args["after"], spec
    )


def _contact_slice(
    page: ContactPage | None,
    request: ContactPageRequest,
    view: CaseView,
    args: Args,
    context: Context,
) -> ContactSlice:
    contacts = page.contacts if page else ()
    return ContactSlice(contacts, bool(page and page.has_next), request.offender_id, request.filter)


def _counted_ahead(selection: Selection) -> Load:
    """``Case.contacts``, counting the contacts beside reading the page when ``totalCount``
    is selected: the next level then finds the count done."""
    contacts = FIELDS["Case"]["contacts"]
    assert isinstance(contacts, Load)
    if not selects(selection, "totalCount"):
        return contacts
    return dataclasses.replace(contacts, start=_count_first)


def _count_first(request: ContactPageRequest, context: Context) -> None:
    """Count once the level's reads are on their way: the count is not on the critical
    path, the level's slower backends are."""
    key = (request.offender_id, request.filter)
    asyncio.get_running_loop().call_soon(context.delius.contact_count.prefetch, key)


def _page_info(page: ContactSlice, args: Args, context: Context) -> tuple[bool, str | None]:
    last = page.contacts[-1] if page.contacts else None
    return (page.has_next, None if last is None else contact_cursor(last))


def _notes(contact: ContactRecord, args: Args, context: Context) -> str | None:
    return field_rules.readable_notes(contact, context.caller)


def _required(what: str) -> Any:
    def then(value: Any, key: Any, source: Any, args: Args, context: Context) -> Any:
        return field_rules.required(value, what)

    return then


def _main_offence(records: Any, key: Any, event: Any, args: Args, context: Context) -> Any:
    return field_rules.main_offence(records)


def _additional_offences(records: Any, key: Any, event: Any, args: Args, context: Context) -> Any:
    return field_rules.additional_offences(records)


async def _case(source: None, args: Args, context: Context) -> CaseView:
    return await view_of_crn(context, str(args["crn"]))


async def _cases(source: None, args: Args, context: Context) -> list[CaseView | PublicError]:
    return await views_of_crns(context, [str(crn) for crn in args["crns"]])


async def _search(source: None, args: Args, context: Context) -> CaseListPage:
    criteria = input_of(CaseSearch, args["query"]).to_spec()
    return await search_page(context, criteria, args["first"], args["after"])


async def _caseload(source: None, args: Args, context: Context) -> CaseListPage:
    return await caseload_page(context, str(args["staffCode"]), args["first"], args["after"])


def _by_crns(
    run: Callable[[None, Args, Context], Awaitable[Any]], crns_of: Callable[[Args], list[str]]
) -> Call:
    """A root field reading cases by CRN; where the cases' CRC records are asked for, the
    managers those wait on are read by CRN beside the cases."""

    def for_selection(selection: Selection) -> Call:
        if not selects(selection, "partner"):
            return Call(run)
        return Call(run, start=lambda source, args, c: managers_by_crn_first(crns_of(args), c))

    return Call(run, for_selection=for_selection)


def _by_code(rule: ReferenceRule) -> Call:
    """A root field reading one organisation record by code, by its entity's reference rule."""

    async def run(source: None, args: Args, context: Context) -> Any:
        return await one_reference(rule, context, str(args["code"]))

    return Call(run)


async def _node(edge: tuple[str, CaseRecord], args: Args, context: Context) -> CaseView:
    return await view_of(context, edge[1])


def _by_id(record: Any, args: Args, context: Context) -> Any:
    return record.id


FIELDS: dict[str, dict[str, Spec]] = {
    "Query": {
        "case": _by_crns(_case, lambda args: [str(args["crn"])]),
        "cases": _by_crns(_cases, lambda args: [str(crn) for crn in args["crns"]]),
        "searchCases": Call(_search),
        "caseload": Call(_caseload),
        "staff": _by_code(staff_of_codes),
        "team": _by_code(teams_of_codes),
        "provider": _by_code(providers_of_codes),
    },
    "CaseConnection": {
        "edges": Sync(lambda page, a, c: page.edges, safe=True),
        "pageInfo": Sync(lambda page, a, c: (page.has_next, page.end_cursor), safe=True),
        "totalCount": Sync(lambda page, a, c: page.total_count, safe=True),
    },
    "CaseEdge": {
        "cursor": Sync(lambda edge, a, c: edge[0], safe=True),
        "node": Call(_node, permission=False),
    },
    "Case": {
        "crn": Sync(lambda view, a, c: view.record.crn, safe=True),
        "name": Sync(_whole_record),
        "dateOfBirth": _case_field("date_of_birth"),
        "gender": _case_field("gender"),
        "identifiers": Sync(_whole_record),
        "tier": _case_field("tier"),
        "access": itself(),
        "manager": Load(lambda c: c.delius.managers, _offender, _current),
        "managerHistory": Load(lambda c: c.delius.managers, _offender, _history),
        "events": Load(lambda c: c.delius.events, _offender, _filtered("active", "activeOnly")),
        "registrations": Load(
            lambda c: c.delius.registrations, _offender, _filtered("active", "activeOnly")
        ),
        "mainAddress": Load(lambda c: c.delius.addresses, _offender, _main_address),
        "addresses": Load(
            lambda c: c.delius.addresses, _offender, _filtered("current", "currentOnly")
        ),
        "nextAppointment": loaded(lambda c: c.delius.next_appointment, _offender),
        "contacts": Load(
            lambda c: c.delius.contact_page,
            _contact_request,
            _contact_slice,
            for_selection=_counted_ahead,
        ),
    },
    "PersonName": attributes_of(
        PersonName, middleNames=Sync(lambda r, a, c: list(r.middle_names), safe=True)
    ),
    "Identifiers": attributes_of(Identifiers),
    "CaseAccess": {
        "userExcluded": Sync(lambda v, a, c: v.access.excluded, safe=True),
        "userRestricted": Sync(lambda v, a, c: v.access.restricted, safe=True),
        "message": Sync(lambda v, a, c: v.message, safe=True),
    },
    "CodedValue": attributes_of(CodedValue),
    "OffenderManager": attributes_of(OffenderManager),
    "Staff": attributes_of(Staff, teams=Load(lambda c: c.delius.teams_by_staff, _by_id, listed)),
    "Team": attributes_of(
        Team,
        provider=Load(
            lambda c: c.delius.provider_by_id,
            lambda r, a, c: r.provider_id,
            _required("team without a provider"),
        ),
    ),
    "Provider": attributes_of(Provider),
    "Event": attributes_of(
        Event,
        mainOffence=Load(lambda c: c.delius.offences, _by_id, _main_offence),
        additionalOffences=Load(lambda c: c.delius.offences, _by_id, _additional_offences),
        sentence=loaded(lambda c: c.delius.sentence, _by_id),
    ),
    "Offence": attributes_of(Offence),
    "Sentence": attributes_of(
        Sentence,
        requirements=Load(
            lambda c: c.delius.requirements, _by_id, _filtered("active", "activeOnly")
        ),
        custody=loaded(lambda c: c.delius.custody, _by_id),
    ),
    "Requirement": attributes_of(Requirement),
    "Custody": attributes_of(Custody),
    "KeyDate": attributes_of(KeyDate),
    "Registration": attributes_of(Registration),
    "Address": attributes_of(Address),
    "Contact": attributes_of(
        Contact,
        id=Sync(lambda r, a, c: str(r.id), safe=True),
        notes=Sync(_notes, safe=True),
        staff=loaded(lambda c: c.delius.staff_by_id, lambda r, a, c: r.staff_id),
        team=loaded(lambda c: c.delius.team_by_id, lambda r, a, c: r.team_id),
        provider=Load(
            lambda c: c.delius.provider_by_id,
            lambda r, a, c: r.provider_id,
            _required("contact without a provider"),
        ),
    ),
    "ContactConnection": {
        "edges": Sync(lambda page, a, c: page.contacts, safe=True),
        "pageInfo": Sync(_page_info, safe=True),
        "totalCount": Load(
            lambda c: c.delius.contact_count,
            lambda page, a, c: (page.offender_id, page.spec),
            lambda count, k, page, a, c: count or 0,
        ),
    },
    "ContactEdge": {
        "cursor": Sync(lambda r, a, c: contact_cursor(r), safe=True),
        "node": itself(),
    },
    "PageInfo": {
        "hasNextPage": Sync(lambda p, a, c: p[0], safe=True),
        "endCursor": Sync(lambda p, a, c: p[1], safe=True),
    },
}
merged(FIELDS, RISK_FIELDS)
merged(FIELDS, PARTNER_FIELDS)
merged(FIELDS, FEDERATION_FIELDS)

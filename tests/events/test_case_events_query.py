"""The catch-up query: cursors, filters, and the audience rules of reads."""

from __future__ import annotations

import asyncpg

from resolvers.viewer import Role
from sandbox.activity import book_appointment, find_case, transfer_case
from tests.conftest import GraphQL, Tokens
from tests.events.conftest import case_events, drain, types_of

PARTNER = (Role.PARTNER,)


async def test_pages_follow_the_cursor_and_end_where_the_feed_ends(
    events_dsn: str, ndelius: asyncpg.Connection, egql: GraphQL, tokens: Tokens
) -> None:
    offender_id, crn = await find_case(ndelius, None, 10)
    for _ in range(3):
        await book_appointment(ndelius, offender_id)
    await drain(events_dsn)
    reader = tokens.header()
    first = await case_events(egql, reader, crns=[crn], first=2)
    assert types_of(first) == ["probation-case.appointment.booked"] * 2
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await case_events(egql, reader, crns=[crn], after=first["pageInfo"]["endCursor"])
    assert types_of(rest) == ["probation-case.appointment.booked"]
    assert rest["pageInfo"]["hasNextPage"] is False
    ids = [e["node"]["eventId"] for e in first["edges"] + rest["edges"]]
    assert len(set(ids)) == 3
    node = rest["edges"][0]["node"]
    assert node["crn"] == crn
    assert node["envelope"]["personReference"]["identifiers"] == [{"type": "CRN", "value": crn}]
    assert node["envelope"]["eventId"] == node["eventId"]


async def test_a_transfer_goes_to_the_loser_and_what_follows_to_the_gainer_only(
    events_dsn: str, ndelius: asyncpg.Connection, egql: GraphQL, tokens: Tokens
) -> None:
    offender_id, crn = await find_case(ndelius, "C01", 2)
    await book_appointment(ndelius, offender_id)
    await transfer_case(ndelius, offender_id, "C04")
    await book_appointment(ndelius, offender_id)
    await drain(events_dsn)
    seen = {
        code: types_of(
            await case_events(egql, tokens.header(roles=PARTNER, provider=code), crns=[crn])
        )
        for code in ("C01", "C04", "C02")
    }
    assert seen["C01"][-2:] == [
        "probation-case.appointment.booked",
        "person.community.manager.transferred",
    ]
    assert seen["C04"] == [
        "person.community.manager.allocated",
        "probation-case.appointment.booked",
    ]
    assert seen["C02"] == []
    everything = types_of(await case_events(egql, tokens.header(), crns=[crn]))
    assert everything[-4:] == [
        "probation-case.appointment.booked",
        "person.community.manager.transferred",
        "person.community.manager.allocated",
        "probation-case.appointment.booked",
    ]


async def test_a_limited_case_gives_no_event_no_crn_and_no_count(
    events_dsn: str, ndelius: asyncpg.Connection, egql: GraphQL, tokens: Tokens
) -> None:
    restricted = await ndelius.fetchrow(
        "SELECT o.offender_id, o.crn FROM offender o WHERE o.current_restriction = 1"
        " AND o.soft_deleted = 0 AND EXISTS (SELECT 1 FROM contact c JOIN r_contact_type t"
        " USING (contact_type_id) WHERE c.offender_id = o.offender_id"
        " AND t.attendance_contact = 'Y') ORDER BY o.offender_id LIMIT 1"
    )
    assert restricted is not None
    open_id, open_crn = await find_case(ndelius, None, 12)
    await book_appointment(ndelius, restricted["offender_id"])
    await book_appointment(ndelius, open_id)
    await drain(events_dsn)
    reader = tokens.header()  # a reader with no username: denied on every limited case
    both = await case_events(egql, reader, crns=[restricted["crn"], open_crn])
    only_limited = await case_events(egql, reader, crns=[restricted["crn"]])
    unknown = await case_events(egql, reader, crns=["X999999"])
    assert {e["node"]["crn"] for e in both["edges"]} == {open_crn}
    assert (
        only_limited
        == unknown
        == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    )
    everyone = await case_events(egql, reader, first=100)
    assert restricted["crn"] not in str(everyone)


async def test_bad_cursors_types_and_sizes_get_coded_errors(egql: GraphQL, tokens: Tokens) -> None:
    reader = tokens.header()
    for variables in (
        {"after": "not-a-cursor"},
        {"after": "Y2U6bm90LWEtdXVpZA=="},  # "ce:not-a-uuid"
        {"after": "Y2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"},  # an id never stored
        {"types": ["probation-case.nothing.happened"]},
        {"first": 1000},
        {"crns": ["not a crn"]},
    ):
        body = await egql(
            "query($after: String, $first: Int! = 5, $types: [String!], $crns: [ID!]) {"
            " caseEvents(after: $after, first: $first, types: $types, crns: $crns)"
            " { edges { cursor } } }",
            headers=reader,
            **variables,
        )
        assert body["data"] is None, variables
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body


async def test_a_caller_without_a_reading_role_is_forbidden(egql: GraphQL, tokens: Tokens) -> None:
    body = await egql("{ caseEvents { edges { cursor } } }", headers=tokens.header(roles=()))
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]

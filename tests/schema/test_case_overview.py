"""A whole case through the graph equals what the legacy tables say."""

from __future__ import annotations

from typing import Any

import pytest

from bench.documents import OVERVIEW
from tests.conftest import GraphQL

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def busy_case(sql: Any) -> Any:
    """A live, unrestricted case with an active sentence with requirements, and appointments."""
    return await sql.fetchrow(
        """SELECT o.offender_id, o.crn FROM offender o
           JOIN offender_manager om ON om.offender_id = o.offender_id
                AND om.active_flag = 1 AND om.soft_deleted = 0
           JOIN event e ON e.offender_id = o.offender_id AND e.active_flag = 1
                AND e.soft_deleted = 0
           JOIN disposal d ON d.event_id = e.event_id AND d.soft_deleted = 0
           WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
             AND EXISTS (SELECT 1 FROM rqmnt r WHERE r.disposal_id = d.disposal_id
                         AND r.soft_deleted = 0 AND r.active_flag = 1)
             AND EXISTS (SELECT 1 FROM registration g WHERE g.offender_id = o.offender_id
                         AND g.soft_deleted = 1)
           ORDER BY o.crn LIMIT 1"""
    )


async def test_overview_matches_the_legacy_tables(gql: GraphQL, sql: Any) -> None:
    case_row = await busy_case(sql)
    assert case_row is not None
    oid = case_row["offender_id"]
    body = await gql(OVERVIEW, crn=case_row["crn"])
    assert "errors" not in body
    case = body["data"]["case"]

    person = await sql.fetchrow("SELECT * FROM offender WHERE offender_id = $1", oid)
    assert case["name"]["forename"] == person["first_name"]
    assert case["name"]["surname"] == person["surname"]
    assert case["dateOfBirth"] == person["date_of_birth_date"].isoformat()

    manager = await sql.fetchrow(
        """SELECT s.officer_code, t.code AS team, pa.code AS provider, om.allocation_date
           FROM offender_manager om JOIN staff s ON s.staff_id = om.allocation_staff_id
           JOIN team t ON t.team_id = om.team_id
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE om.offender_id = $1 AND om.active_flag = 1 AND om.soft_deleted = 0""",
        oid,
    )
    assert case["manager"]["staff"]["code"] == manager["officer_code"].strip()
    assert case["manager"]["team"]["code"] == manager["team"].strip()
    assert case["manager"]["provider"]["code"] == manager["provider"].strip()
    assert case["manager"]["allocatedOn"] == manager["allocation_date"].isoformat()

    events = await sql.fetch(
        """SELECT e.event_number, d.disposal_id, dt.disposal_type_code FROM event e
           LEFT JOIN disposal d ON d.event_id = e.event_id AND d.soft_deleted = 0
           LEFT JOIN r_disposal_type dt ON dt.disposal_type_id = d.disposal_type_id
           WHERE e.offender_id = $1 AND e.soft_deleted = 0 AND e.active_flag = 1""",
        oid,
    )
    assert sorted(e["number"] for e in case["events"]) == sorted(
        int(e["event_number"]) for e in events
    )
    for event in case["events"]:
        row = next(e for e in events if int(e["event_number"]) == event["number"])
        if row["disposal_id"] is None:
            assert event["sentence"] is None
            continue
        assert event["sentence"]["type"]["code"] == row["disposal_type_code"]
        requirements = await sql.fetch(
            """SELECT rqmnt_id FROM rqmnt WHERE disposal_id = $1 AND soft_deleted = 0
               AND active_flag = 1""",
            row["disposal_id"],
        )
        assert len(event["sentence"]["requirements"]) == len(requirements)
        assert all(r["active"] for r in event["sentence"]["requirements"])

    registrations = await sql.fetch(
        """SELECT rt.code FROM registration g JOIN r_register_type rt
           ON rt.register_type_id = g.register_type_id
           WHERE g.offender_id = $1 AND g.soft_deleted = 0 AND g.deregistered = 0""",
        oid,
    )
    assert sorted(r["type"]["code"] for r in case["registrations"]) == sorted(
        r["code"] for r in registrations
    )

    contacts = await sql.fetch(
        """SELECT contact_id FROM contact WHERE offender_id = $1 AND soft_deleted = 0
           ORDER BY contact_date DESC, COALESCE(contact_start_time::time, TIME '00:00') DESC,
                    contact_id DESC""",
        oid,
    )
    page = case["contacts"]
    assert page["totalCount"] == len(contacts)
    assert [int(e["node"]["id"]) for e in page["edges"]] == [c[0] for c in contacts[:10]]
    assert page["pageInfo"]["hasNextPage"] is (len(contacts) > 10)

    if case["nextAppointment"] is not None:
        row = await sql.fetchrow(
            "SELECT contact_date, soft_deleted, contact_outcome_type_id FROM contact "
            "WHERE contact_id = $1",
            int(case["nextAppointment"]["id"]),
        )
        assert row["soft_deleted"] == 0
        assert row["contact_outcome_type_id"] is None
        assert case["nextAppointment"]["date"] == row["contact_date"].isoformat()


async def test_contacts_page_through_every_contact_once(gql: GraphQL, sql: Any) -> None:
    crn, total = await sql.fetchrow(
        """SELECT o.crn, count(*) FROM contact c JOIN offender o ON o.offender_id = c.offender_id
           WHERE c.soft_deleted = 0 AND o.soft_deleted = 0 AND o.current_exclusion = 0
             AND o.current_restriction = 0
           GROUP BY o.crn ORDER BY count(*) DESC LIMIT 1"""
    )
    query = """query($crn: ID!, $after: String) { case(crn: $crn) { contacts(first: 50,
                 after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    seen: list[str] = []
    after = None
    for _ in range(50):
        body = await gql(query, crn=crn, after=after)
        page = body["data"]["case"]["contacts"]
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == total == len(set(seen))


async def test_caseload_lists_the_staff_members_active_cases(gql: GraphQL, sql: Any) -> None:
    staff, expected = await sql.fetchrow(
        """SELECT s.officer_code, count(DISTINCT o.offender_id) FROM offender_manager om
           JOIN staff s ON s.staff_id = om.allocation_staff_id
           JOIN offender o ON o.offender_id = om.offender_id AND o.soft_deleted = 0
           WHERE om.active_flag = 1 AND om.soft_deleted = 0
           GROUP BY s.officer_code ORDER BY count(*) DESC LIMIT 1"""
    )
    query = """query($code: ID!, $after: String) { caseload(staffCode: $code, first: 7,
                 after: $after) { totalCount pageInfo { hasNextPage endCursor }
                 edges { node { crn name { surname } } } } }"""
    crns: list[str] = []
    after = None
    for _ in range(100):
        body = await gql(query, code=staff.strip(), after=after)
        page = body["data"]["caseload"]
        crns.extend(e["node"]["crn"] for e in page["edges"] if e["node"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == expected
    assert len(set(crns)) == len(crns) <= expected


async def test_search_finds_a_misspelt_name_first(gql: GraphQL, sql: Any) -> None:
    person = await sql.fetchrow(
        """SELECT crn, first_name, surname, date_of_birth_date FROM offender
           WHERE soft_deleted = 0 AND current_exclusion = 0 AND current_restriction = 0
             AND length(surname) >= 6 ORDER BY crn LIMIT 1"""
    )
    misspelt = person["surname"][:-1] + "e"
    query = """query($q: CaseSearch!) { searchCases(query: $q) { totalCount
                 edges { node { crn } } } }"""
    body = await gql(
        query,
        q={"name": f"{person['first_name']} {misspelt}", "dateOfBirth": str(person[3])},
    )
    results = body["data"]["searchCases"]["edges"]
    assert results
    assert results[0]["node"]["crn"] == person["crn"].strip()
    exact = await gql(query, q={"nomsNumber": "Z9999ZZ"})
    assert exact["data"]["searchCases"] == {"totalCount": 0, "edges": []}

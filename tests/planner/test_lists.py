"""Both paths, the same bytes, for pages of cases: caseloads and searches, page after page."""

from __future__ import annotations

from typing import Any

from bench import documents
from tests.planner import corpus
from tests.planner.conftest import Both, World


async def staff_codes(sql: Any) -> list[str]:
    """The two officers with the most current cases, one of a CRC, and one unknown."""
    rows = await sql.fetch(
        """SELECT s.officer_code, pa.code AS provider FROM offender_manager om
           JOIN staff s ON s.staff_id = om.allocation_staff_id
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE om.active_flag = 1 AND om.soft_deleted = 0
           GROUP BY s.officer_code, pa.code ORDER BY count(*) DESC, s.officer_code"""
    )
    busiest = [row["officer_code"].strip() for row in rows[:2]]
    crc = next(row["officer_code"].strip() for row in rows if row["provider"].startswith("C"))
    return [*busiest, busiest[0].lower(), crc, "Z99ZZZZ"]


async def pages(both: Both, document: str, variables: dict[str, Any], headers: Any) -> int:
    """Every page until the last (at most four), each the same on both paths; returns how
    many were planned."""
    planned = 0
    after = None
    for _ in range(4):
        body = await both.same(document, {**variables, "after": after}, headers=headers)
        planned += body["path"] == "planned"
        connection = next(iter((body.get("data") or {}).values()), None)
        if connection is None or not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    return planned


async def test_caseloads_page_the_same_way(both: Both, world: World, sql: Any) -> None:
    codes = await staff_codes(sql)
    for headers in world.callers.values():
        for code in codes:
            for first in (3, 0, 101):
                variables = {"staff": code, "first": first}
                assert await pages(both, corpus.CASELOAD, variables, headers) >= 1
    body = await both.same(corpus.CASELOAD, {"staff": codes[0], "first": 2, "after": "nope"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["path"] == "planned"


async def test_searches_page_the_same_way(both: Both, world: World, sql: Any) -> None:
    row = await sql.fetchrow(
        "SELECT surname, date_of_birth_date FROM offender WHERE soft_deleted = 0 LIMIT 1"
    )
    queries = [
        {"name": row["surname"]},
        {"name": row["surname"][::-1]},
        {"dateOfBirth": row["date_of_birth_date"].isoformat()},
        {"name": "smith", "dateOfBirth": "1990-01-01"},
        {},
        {"name": "a\u0000b"},
    ]
    for headers in world.callers.values():
        for query in queries:
            variables = {"query": query, "first": 4}
            assert await pages(both, corpus.SEARCH_PAGES, variables, headers) >= 1
    body = await both.same(documents.SEARCH, {"name": row["surname"]})
    assert body["path"] == "planned"


ORGANISATION = """
query Organisation($staff: ID!, $team: ID!, $provider: ID!) {
  staff(code: $staff) { code forename surname grade { code description } unallocated
                        teams { code description telephone provider { code isPrivate } } }
  team(code: $team) { code description telephone provider { code description isPrivate } }
  provider(code: $provider) { code description isPrivate }
}
"""


async def test_staff_teams_and_providers_by_code(both: Both, world: World, sql: Any) -> None:
    row = await sql.fetchrow(
        """SELECT s.officer_code, tm.code AS team, pa.code AS provider FROM staff s
           JOIN staff_team st ON st.staff_id = s.staff_id JOIN team tm ON tm.team_id = st.team_id
           JOIN probation_area pa ON pa.probation_area_id = tm.probation_area_id LIMIT 1"""
    )
    known = {k: row[c].strip() for k, c in (("staff", 0), ("team", 1), ("provider", 2))}
    shapes = [
        known,
        {k: f" {v.lower()} " for k, v in known.items()},
        {"staff": "Z99ZZZZ", "team": "Z99Z99", "provider": "Z99"},
    ]
    for headers in world.callers.values():
        for variables in shapes:
            body = await both.same(ORGANISATION, variables, headers=headers)
            assert body["path"] == "planned"
    body = await both.same(ORGANISATION, shapes[1], headers=world.callers["system"])
    assert body["data"]["staff"]["code"] == known["staff"]
    assert body["data"]["team"]["provider"]["code"] == known["provider"]

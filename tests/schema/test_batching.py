"""No N+1: the statements a list query costs do not grow with the number of cases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL, StatementLog, Tokens, in_process

pytestmark = pytest.mark.asyncio(loop_scope="session")

CASES = """
query Cases($crns: [ID!]!) {
  cases(crns: $crns) {
    crn
    manager { staff { code forename } team { code provider { code } } provider { code } }
    events { number sentence { type { code } requirements { category { code } length } } }
    registrations { type { code } level { code } }
  }
}
"""


async def statements_for(gql: GraphQL, log: StatementLog, crns: list[str]) -> int:
    await gql(CASES, crns=crns)  # warm the pool's connections and type caches
    log.clear()
    body = await gql(CASES, crns=crns)
    assert "errors" not in body
    assert sum(1 for case in body["data"]["cases"] if case) == len(crns)
    return log.count


async def test_fifty_cases_cost_a_fixed_small_number_of_statements(
    gql: GraphQL, sql: Any, statement_log: StatementLog
) -> None:
    crns = [
        row[0].strip()
        for row in await sql.fetch(
            """SELECT o.crn FROM offender o WHERE o.soft_deleted = 0
               AND o.current_exclusion = 0 AND o.current_restriction = 0
               AND EXISTS (SELECT 1 FROM event e WHERE e.offender_id = o.offender_id
                           AND e.active_flag = 1 AND e.soft_deleted = 0)
               ORDER BY o.crn LIMIT 50"""
        )
    ]
    assert len(crns) == 50
    fifty = await statements_for(gql, statement_log, crns)
    five = await statements_for(gql, statement_log, crns[:5])
    assert fifty <= 10
    assert fifty == five


async def test_without_batching_every_key_costs_a_statement(
    settings: Any, delius: Any, sql: Any, statement_log: StatementLog, tokens: Tokens
) -> None:
    """The diagnostic baseline (CASEGRAPH_LOADER_BATCHING=false) really is one query per key."""
    from dataclasses import replace

    from api.app import create_app
    from resolvers.context import Backends

    app = create_app(replace(settings, loader_batching=False), backends=Backends(delius=delius))
    crns = [
        row[0].strip()
        for row in await sql.fetch(
            "SELECT crn FROM offender WHERE soft_deleted = 0 AND current_exclusion = 0 "
            "AND current_restriction = 0 ORDER BY crn LIMIT 20"
        )
    ]
    query = "query($crns: [ID!]!) { cases(crns: $crns) { crn registrations { active } } }"
    async with in_process(app, tokens.header()) as h:
        await h.post("/graphql", json={"query": query, "variables": {"crns": crns}})
        statement_log.clear()
        response = await h.post("/graphql", json={"query": query, "variables": {"crns": crns}})
    assert "errors" not in response.json()
    # the case with its access check, and registrations, for each key; one audit write
    assert statement_log.count == 2 * len(crns) + 1


CASELOAD = """
query Caseload($staff: ID!, $first: Int!) {
  caseload(staffCode: $staff, first: $first) {
    totalCount
    edges { node {
      crn name { surname }
      manager { staff { code } team { code } provider { code } }
      events { number sentence { type { code } requirements { category { code } } } }
      registrations { type { code } }
      nextAppointment { date }
    } }
  }
}
"""


async def test_a_caseload_page_costs_the_same_few_statements_at_any_size(
    gql: GraphQL, sql: Any, statement_log: StatementLog
) -> None:
    staff, size = await sql.fetchrow(
        """SELECT s.officer_code, count(*) FROM offender_manager om
           JOIN staff s ON s.staff_id = om.allocation_staff_id
           JOIN offender o ON o.offender_id = om.offender_id AND o.soft_deleted = 0
           WHERE om.active_flag = 1 AND om.soft_deleted = 0
           GROUP BY s.officer_code ORDER BY count(*) DESC LIMIT 1"""
    )
    counts = []
    for first in (3, min(size, 50)):
        variables = {"staff": staff.strip(), "first": first}
        await gql(CASELOAD, **variables)  # warm the pool's connections
        statement_log.clear()
        body = await gql(CASELOAD, **variables)
        assert "errors" not in body
        assert len(body["data"]["caseload"]["edges"]) == first
        counts.append(statement_log.count)
    assert counts[0] == counts[1]
    assert counts[1] <= 10

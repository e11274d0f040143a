"""The projected read: a case's relations in one statement, equal to the per-relation reads."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import orjson
import pytest

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.decode import wall_time
from adapters.delius.projection.json_sql import wall_time_sql
from adapters.delius.projection.statement import projected_case, projection_statement
from adapters.projection import (
    VOCABULARY,
    CaseProjection,
    Column,
    NotProjectable,
    Relation,
)
from api.app import create_app
from api.settings import Settings
from bench.documents import CASE_VIEW, CASE_VIEW_LIST
from resolvers.context import Backends
from tests.conftest import StatementLog, Tokens, in_process
from tests.metrics_text import scrape, value
from tests.planner import corpus
from tests.planner.conftest import ASK, Both, World

PROJECTED_READ = "SELECT o.offender_id, "


def projected_reads(log: StatementLog) -> list[str]:
    return [s for s in log.statements if s.startswith(PROJECTED_READ)]


async def test_a_projectable_case_is_one_statement_besides_access_and_audit(
    both: Both, world: World, statement_log: StatementLog
) -> None:
    statement_log.clear()
    response = await both.planned.post(
        "/graphql",
        json={
            "query": corpus.PROJECTED,
            "variables": {"crn": world.ordinary[0]},
            "extensions": ASK,
        },
    )
    body = response.json()
    assert body["extensions"]["casegraphExecution"] == "planned"
    assert body["data"]["case"]["events"] is not None
    assert len(projected_reads(statement_log)) == 1
    others = [s for s in statement_log.statements if not s.startswith(PROJECTED_READ)]
    assert len(others) == 2, others  # the case with its access standing; the audit row


async def test_fifty_cases_are_one_projected_statement(
    both: Both, world: World, statement_log: StatementLog
) -> None:
    statement_log.clear()
    response = await both.planned.post(
        "/graphql",
        json={"query": corpus.PROJECTED_LIST, "variables": {"crns": world.ordinary[:50]}},
    )
    assert len(response.json()["data"]["cases"]) == 50
    assert len(projected_reads(statement_log)) == 1


async def test_a_case_view_is_three_statements_whatever_the_number_of_cases(
    both: Both, world: World, statement_log: StatementLog
) -> None:
    """What a case view shows first, main offences and the latest contacts included, is one
    projected read: the statements do not grow with the cases, and the answer is
    graphql-core's."""
    fifty = await _case_view(both, statement_log, CASE_VIEW_LIST, {"crns": world.ordinary[:50]})
    with_offence = [
        case["crn"]
        for case in fifty["data"]["cases"]
        if any(event["mainOffence"] is not None for event in case["events"])
    ]
    assert with_offence
    one = await _case_view(both, statement_log, CASE_VIEW, {"crn": with_offence[0]})
    assert any(event["mainOffence"] for event in one["data"]["case"]["events"])


async def _case_view(
    both: Both, log: StatementLog, document: str, variables: dict[str, Any]
) -> dict[str, Any]:
    log.clear()
    body = {"query": document, "variables": variables, "extensions": ASK}
    planned = (await both.planned.post("/graphql", json=body)).json()
    assert planned["extensions"]["casegraphExecution"] == "planned"
    assert len(projected_reads(log)) == 1
    assert len(log.statements) == 3, log.statements  # the cases, the projected read, audit
    return await both.same(document, variables)  # graphql-core's answer, byte for byte


async def test_every_case_of_the_database_reads_the_same_both_ways(
    both: Both, sql: Any, tokens: Tokens
) -> None:
    """Every live case of the seeded database, with all its legacy quirks, in lists of 50."""
    crns = [
        row[0].strip()
        for row in await sql.fetch("SELECT DISTINCT crn FROM offender WHERE soft_deleted = 0")
    ]
    reader = tokens.header(username="projection-reader")
    for start in range(0, len(crns), 50):
        chunk = crns[start : start + 50]
        body = await both.same(corpus.PROJECTED_LIST, {"crns": chunk}, headers=reader)
        assert body["path"] == "planned"
    assert len(crns) > 300


async def test_a_failing_projected_read_gives_what_each_field_gives_alone(
    settings: Settings, dsn: str, world: World, tokens: Tokens
) -> None:
    """With one relation's table locked, only that relation's fields fail, on both paths."""
    delius = await DeliusAdapter.connect(dsn, PoolOptions(statement_timeout=0.3))
    locker = await asyncpg.connect(dsn)
    try:
        backends = Backends(delius=delius)
        planned_app = create_app(dataclasses.replace(settings, planner=True), backends=backends)
        classic_app = create_app(dataclasses.replace(settings, planner=False), backends=backends)
        async with (
            in_process(planned_app, tokens.header()) as planned,
            in_process(classic_app, tokens.header()) as classic,
        ):
            paired = Both(planned, classic)
            async with locker.transaction():
                await locker.execute("LOCK TABLE registration IN ACCESS EXCLUSIVE MODE")
                body = await paired.same(corpus.PROJECTED, {"crn": world.ordinary[3]})
    finally:
        await locker.close()
        await delius.aclose()
    assert body["path"] == "planned"
    failed = {tuple(error["path"]) for error in body["errors"]}
    assert failed == {("case", "registrations"), ("case", "live")}
    assert body["data"]["case"]["events"] is not None
    assert body["data"]["case"]["registrations"] is None


async def test_planned_answers_are_the_same_bytes(both: Both, world: World) -> None:
    """Projected fields go into the response as PostgreSQL wrote them: byte for byte what
    graphql-core's answer encodes to."""
    for document, variables in (
        (corpus.PROJECTED, {"crn": world.ordinary[5]}),
        (corpus.PROJECTED_LIST, {"crns": world.ordinary[:40]}),
    ):
        planned, classic = await both.post(document, variables)
        assert "errors" not in planned.json()
        assert planned.content == classic.content


@pytest.mark.parametrize("first", [0, 1, 100, 101])
async def test_page_sizes_written_in_the_document(both: Both, world: World, first: int) -> None:
    """A page size the limits refuse is refused on both paths alike, projected or not."""
    document = (
        "query($crn: ID!) { case(crn: $crn) { crn "
        f"contacts(first: {first}) {{ totalCount edges {{ node {{ id date }} }} }} }} }}"
    )
    body = await both.same(document, {"crn": world.ordinary[7]})
    assert body["path"] == "planned"
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    assert codes == ({"BAD_USER_INPUT"} if first > 100 else set())


OPTIONS_FROM_VARIABLES = """
query Options($crn: ID!, $first: Int!, $active: Boolean!) {
  case(crn: $crn) {
    crn
    events(activeOnly: $active) { number sentence { requirements(activeOnly: $active) { length } } }
    registrations(activeOnly: $active) { type { code } }
    contacts(first: $first) { totalCount edges { node { id date } } }
  }
}
"""


@pytest.mark.parametrize(
    ("first", "active", "projected"),
    [
        (3, True, 1),
        (3, False, 1),
        (100, True, 1),
        (0, True, 1),  # an empty page: contacts take their loader, the rest is projected
        (-1, False, 1),  # likewise; the loader refuses the size
        (101, True, 0),  # over the limit: the whole case takes its loaders, which refuse it
    ],
)
async def test_page_sizes_and_active_only_from_variables(
    both: Both,
    world: World,
    statement_log: StatementLog,
    first: int,
    active: bool,
    projected: int,
) -> None:
    """Options given as variables are projected like written ones: a plan per value."""
    statement_log.clear()
    variables = {"crn": world.ordinary[9], "first": first, "active": active}
    body = await both.same(OPTIONS_FROM_VARIABLES, variables)
    assert body["path"] == "planned"
    assert len(projected_reads(statement_log)) == projected
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    assert codes == ({"BAD_USER_INPUT"} if not 0 <= first <= 100 else set())
    if first in (0, 3):
        assert len(body["data"]["case"]["contacts"]["edges"]) == first


async def test_a_plan_is_compiled_per_value_of_an_option_variable(both: Both, world: World) -> None:
    async def misses() -> int:
        scraped = await scrape(both.planned)
        return int(value(scraped, "casegraph_plan_cache_lookups_total", result="miss"))

    document = OPTIONS_FROM_VARIABLES.replace("query Options", "query OptionsCounted")
    before = await misses()
    for crn, first in ((world.ordinary[1], 4), (world.ordinary[2], 4), (world.ordinary[1], 5)):
        body = await both.same(document, {"crn": crn, "first": first, "active": True})
        assert body["path"] == "planned"
    assert await misses() - before == 2


async def test_postgresql_json_text_is_the_encoders(sql: Any) -> None:
    """``to_json`` escapes text exactly as the response encoder does."""
    text = "".join(chr(i) for i in range(1, 128)) + "é€😀\u2028\u2029\ufeff"
    written = await sql.fetchval("SELECT to_json($1::text)::text", text)
    assert written == orjson.dumps(text).decode()


async def test_a_team_without_a_provider_reads_as_incomplete(dsn: str) -> None:
    """A team of an establishment has no provider the graph can show: the case is read
    through its loaders instead (which report the missing provider as graphql-core does)."""
    connection = await asyncpg.connect(dsn)
    transaction = connection.transaction()
    await transaction.start()
    try:
        row = await connection.fetchrow(
            """SELECT om.offender_id, tm.probation_area_id FROM offender_manager om
               JOIN team tm ON tm.team_id = om.team_id
               WHERE om.active_flag = 1 AND om.soft_deleted = 0 LIMIT 1"""
        )
        projection = CaseProjection(
            (
                Relation(
                    "manager",
                    "manager",
                    (
                        Relation(
                            "team",
                            "team",
                            (Relation("provider", "provider", (Column("code", "code"),)),),
                        ),
                    ),
                ),
            )
        )
        statement = projection_statement(projection)
        before = await connection.fetchrow(statement, [row["offender_id"]])
        await connection.execute(
            """UPDATE probation_area SET (institution_id, establishment) =
               (SELECT institution_id, establishment FROM r_institution LIMIT 1)
               WHERE probation_area_id = $1""",
            row["probation_area_id"],
        )
        after = await connection.fetchrow(statement, [row["offender_id"]])
    finally:
        await transaction.rollback()  # the change to probation_area is never committed
        await connection.close()
    assert projected_case(tuple(before[1:])).complete
    assert orjson.loads(before[1])["team"]["provider"]["code"]
    assert not projected_case(tuple(after[1:])).complete


async def test_every_name_of_the_vocabulary_reads_as_json(sql: Any, world: World) -> None:
    """Each name, alone at the end of a path to it, runs and gives well-formed JSON."""
    offender_id = await sql.fetchval(
        "SELECT offender_id FROM offender WHERE crn = $1 AND soft_deleted = 0", world.ordinary[0]
    )
    for entity, names in VOCABULARY.items():
        if entity == "case":
            continue
        for name, leads_to in names.items():
            field: Column | Relation = (
                Column("x", name)
                if leads_to is None
                else Relation("x", name, (_smallest(leads_to),))
            )
            rows = await sql.fetch(projection_statement(_reaching(entity, field)), [offender_id])
            assert len(rows) == 1, (entity, name)
            orjson.loads(rows[0][1])  # well-formed, or this raises


def test_names_outside_the_vocabulary_are_refused() -> None:
    with pytest.raises(NotProjectable):
        projection_statement(CaseProjection((Relation("m", "manager", (Column("x", "salary"),)),)))
    with pytest.raises(NotProjectable):
        projection_statement(CaseProjection((Relation("c", "contacts", (), first=0),)))


async def test_contact_instants_match_python_across_clock_changes(sql: Any) -> None:
    """The SQL form of a contact instant equals ``wall_time(...).isoformat()``, including the
    hours a clock change skips or repeats."""
    days = [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2026, 7, 1)]
    days += [day - timedelta(days=1) for day in days] + [date(2025, 12, 31)]
    times = [time(h, m) for h in range(0, 4) for m in (0, 30, 59)] + [time(23, 59, 59)]
    instant = wall_time_sql("$1::date", "$2::timestamp")
    for day in days:
        for moment in times:
            stored = datetime.combine(date(1970, 1, 1), moment)
            shown = await sql.fetchval(f"SELECT {instant}", day, stored)
            expected = wall_time(day, stored)
            assert expected is not None
            assert shown == expected.isoformat(), (day, moment)


def _smallest(entity: str) -> Column | Relation:
    """A field of ``entity``: a column if it has one, else a relation down to one."""
    names = VOCABULARY[entity]
    column = next((name for name, leads_to in names.items() if leads_to is None), None)
    if column is not None:
        return Column("y", column)
    name, leads_to = next(iter(names.items()))
    assert leads_to is not None
    return Relation("y", name, (_smallest(leads_to),))


def _reaching(entity: str, field: Column | Relation) -> CaseProjection:
    """A projection whose deepest field is ``field`` on ``entity``."""
    routes = {
        "manager": ("manager",),
        "staff": ("manager", "staff"),
        "team": ("manager", "team"),
        "provider": ("manager", "provider"),
        "event": ("events",),
        "offence": ("events", "main_offence"),
        "sentence": ("events", "sentence"),
        "requirement": ("events", "sentence", "requirements"),
        "registration": ("registrations",),
        "contact": ("next_appointment",),
        "contact_page": ("contacts",),
        "contact_edge": ("contacts", "edges"),
        "page_info": ("contacts", "page_info"),
        "coded": ("registrations", "type"),
    }
    inner: Column | Relation = field
    for name in reversed(routes[entity]):
        inner = Relation("x", name, (inner,), first=5 if name == "contacts" else 0)
    assert isinstance(inner, Relation)
    return CaseProjection((inner,))

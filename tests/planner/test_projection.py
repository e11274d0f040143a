"""The projected read: a case's relations in one statement, equal to the per-relation reads."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import pytest

from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.decode import wall_time
from adapters.delius.projected import projection_statement, wall_time_sql
from adapters.projection import (
    VOCABULARY,
    CaseProjection,
    Column,
    NotProjectable,
    Relation,
)
from api.app import create_app
from api.planner.projection import ProjectedFields
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import StatementLog, Tokens, in_process
from tests.planner import corpus
from tests.planner.conftest import ASK, Both, World

PROJECTED_READ = "json_build_object("


def projected_reads(log: StatementLog) -> list[str]:
    return [s for s in log.statements if PROJECTED_READ in s]


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
    others = [s for s in statement_log.statements if PROJECTED_READ not in s]
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


def test_a_relation_the_data_lacks_sends_the_case_to_its_loaders() -> None:
    checked = ProjectedFields(
        projection=CaseProjection(()),
        fields=(),
        keys=frozenset(),
        checks=(("history", "team", "provider"),),
        page_sizes=(),
    )
    whole = {"history": [{"team": {"provider": {"code": "N07"}}}]}
    lacking = {"history": [{"team": {"provider": {"code": "N07"}}}, {"team": {"provider": None}}]}
    assert checked.complete(whole)
    assert checked.complete({"history": []})
    assert checked.complete({"history": None})
    assert not checked.complete(lacking)


def test_every_name_of_the_vocabulary_has_sql() -> None:
    for entity, names in VOCABULARY.items():
        if entity == "case":
            continue
        for name, leads_to in names.items():
            field: Column | Relation = (
                Column("x", name)
                if leads_to is None
                else Relation("x", name, (_smallest(leads_to),))
            )
            projection = _reaching(entity, field)
            assert "json_build_object" in projection_statement(projection), (entity, name)


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

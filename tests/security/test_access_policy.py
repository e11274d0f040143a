"""A2-A5: deny by default, provider scoping, limited access, and failing closed."""

from __future__ import annotations

import json
from typing import Any

from strawberry.types.base import StrawberryList, StrawberryOptional

from api.app import create_app
from resolvers.viewer import Role
from schema import build_schema
from schema.mutations import CanWriteContacts
from schema.permissions import CanReadCases
from tests.conftest import GraphQL, Tokens, in_process

CASE = "query($crn: ID!) { case(crn: $crn) { crn name { surname } access { message } } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def reaches_case(type_: Any, seen: set[str] | None = None) -> bool:
    """Whether a field's type is, or leads through lists and objects to, Case."""
    seen = seen if seen is not None else set()
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    definition = getattr(type_, "__strawberry_definition__", None)
    if definition is None or definition.name in seen:
        return False
    if definition.name == "Case":
        return True
    seen.add(definition.name)
    return any(reaches_case(field.type, seen) for field in definition.fields)


def test_every_root_field_names_a_permission_and_case_fields_the_reader_one() -> None:
    schema = build_schema()
    query = schema.get_type_by_name("Query")
    assert query is not None
    checked = 0
    for field in query.fields:  # type: ignore[union-attr]
        if field.name == "_service":
            continue  # the subgraph's SDL: no case data
        assert field.permission_classes, f"Query.{field.name} has no permission check"
        if reaches_case(field.type):
            assert CanReadCases in field.permission_classes, f"Query.{field.name}"
            checked += 1
    assert checked >= 4  # case, cases, searchCases, caseload (and _entities)
    mutation = schema.get_type_by_name("Mutation")
    assert mutation is not None
    for field in mutation.fields:  # type: ignore[union-attr]
        assert CanWriteContacts in field.permission_classes, f"Mutation.{field.name}"


async def test_a_token_without_the_reading_role_gets_no_case_data(
    gql: GraphQL, tokens: Tokens, sql: Any
) -> None:
    crn = (await sql.fetchval("SELECT crn FROM offender WHERE soft_deleted = 0 LIMIT 1")).strip()
    headers = tokens.header(roles=("ROLE_SOMETHING_ELSE",), username="jsmith")
    for query in (
        CASE,
        "query($crn: ID!) { cases(crns: [$crn]) { crn } }",
        'query { caseload(staffCode: "N07A001") { totalCount } }',
        'query { searchCases(query: {name: "smith"}) { totalCount } }',
    ):
        body = await gql(query, headers=headers, crn=crn)
        assert not any((body["data"] or {}).values())
        assert codes(body) == ["FORBIDDEN"]


async def held_by(sql: Any, provider: str, limit: int) -> list[str]:
    rows = await sql.fetch(
        """SELECT o.crn FROM offender o
           JOIN offender_manager om ON om.offender_id = o.offender_id
                AND om.active_flag = 1 AND om.soft_deleted = 0
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE o.soft_deleted = 0 AND pa.code = $1
             AND o.current_exclusion = 0 AND o.current_restriction = 0
           ORDER BY o.crn LIMIT $2""",
        provider,
        limit,
    )
    return [row[0].strip() for row in rows]


async def test_a_partner_never_sees_another_providers_case(
    gql: GraphQL, tokens: Tokens, sql: Any
) -> None:
    ours, theirs = await held_by(sql, "C01", 5), await held_by(sql, "C02", 60)
    assert ours
    assert theirs
    partner = tokens.header(roles=(Role.PARTNER,), client_id="crc-c01", provider="C01")

    unknown = await gql(CASE, headers=partner, crn="Z999999")
    foreign = await gql(CASE, headers=partner, crn=theirs[0])
    assert foreign == unknown  # indistinguishable from a CRN that does not exist
    assert codes(foreign) == ["NOT_FOUND"]
    own = await gql(CASE, headers=partner, crn=ours[0])
    assert own["data"]["case"]["crn"] == ours[0]

    many = await gql(
        "query($crns: [ID!]!) { cases(crns: $crns) { crn } }",
        headers=partner,
        crns=[*theirs, *ours],
    )
    assert many["data"]["cases"] == [None] * len(theirs) + [{"crn": c} for c in ours]
    aliased = await gql(
        "query($a: ID!, $b: ID!) { x: case(crn: $a) { crn } y: case(crn: $b) { crn } }",
        headers=partner,
        a=theirs[1],
        b=theirs[2],
    )
    assert aliased["data"] == {"x": None, "y": None}

    staff = await sql.fetchval(
        """SELECT s.officer_code FROM offender_manager om
           JOIN staff s ON s.staff_id = om.allocation_staff_id
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE om.active_flag = 1 AND om.soft_deleted = 0 AND pa.code = 'C02' LIMIT 1"""
    )
    caseload = await gql(
        "query($s: ID!) { caseload(staffCode: $s) { totalCount edges { node { crn } } } }",
        headers=partner,
        s=staff.strip(),
    )
    assert caseload["data"]["caseload"] == {"totalCount": 0, "edges": []}
    surname = await sql.fetchval("SELECT surname FROM offender WHERE crn = $1", theirs[0])
    search = await gql(
        "query($n: String!) { searchCases(query: {name: $n}, first: 100) "
        "{ edges { node { crn } } } }",
        headers=partner,
        n=surname,
    )
    everything = json.dumps([many, aliased, caseload, search])
    assert not any(crn in everything for crn in theirs)


async def lao_rows(sql: Any, table: str, active: bool) -> list[Any]:
    end = f"{table}_end_time"
    condition = (
        f"({end} IS NULL OR {end} > LOCALTIMESTAMP)" if active else f"{end} < LOCALTIMESTAMP"
    )
    return await sql.fetch(
        f"""SELECT o.crn, u.distinguished_name AS username FROM {table} x
            JOIN offender o ON o.offender_id = x.offender_id AND o.soft_deleted = 0
            JOIN user_ u ON u.user_id = x.user_id WHERE {condition} ORDER BY o.crn"""
    )


async def other_user(sql: Any, crn: str) -> str:
    """A known user with no limited-access row on this case."""
    username: str = await sql.fetchval(
        """SELECT u.distinguished_name FROM user_ u WHERE NOT EXISTS (
             SELECT 1 FROM exclusion x JOIN offender o ON o.offender_id = x.offender_id
             WHERE x.user_id = u.user_id AND o.crn = $1
             UNION ALL
             SELECT 1 FROM restriction r JOIN offender o ON o.offender_id = r.offender_id
             WHERE r.user_id = u.user_id AND o.crn = $1) ORDER BY u.user_id LIMIT 1""",
        crn,
    )
    return username


async def test_limited_access_rules(gql: GraphQL, tokens: Tokens, sql: Any) -> None:
    async def as_user(username: str | None, crn: str) -> dict[str, Any]:
        return await gql(CASE, headers=tokens.header(username=username), crn=crn.strip())

    restrictions = await lao_rows(sql, "restriction", active=True)
    exclusions = await lao_rows(sql, "exclusion", active=True)
    expired = await lao_rows(sql, "exclusion", active=False)
    assert restrictions, "the seed must hold restrictions"
    assert exclusions, "the seed must hold exclusions"
    assert expired, "the seed must hold expired exclusions"

    excluded = exclusions[0]
    denied = await as_user(excluded["username"], excluded["crn"])
    assert codes(denied) == ["LIMITED_ACCESS"]
    assert denied["data"]["case"]["name"] is None
    assert denied["data"]["case"]["access"]["message"]
    assert denied["data"]["case"]["crn"] == excluded["crn"].strip()

    allowed_crns = {r["crn"] for r in restrictions}
    if excluded["crn"] not in allowed_crns:
        bystander = await as_user(await other_user(sql, excluded["crn"]), excluded["crn"])
        assert codes(bystander) == []

    lapsed = next(
        (r for r in expired if r["crn"] not in {e["crn"] for e in exclusions} | allowed_crns),
        None,
    )
    if lapsed is not None:
        assert codes(await as_user(lapsed["username"], lapsed["crn"])) == []

    restricted = restrictions[0]
    if restricted["crn"] not in {e["crn"] for e in exclusions}:
        listed = await as_user(restricted["username"].upper(), restricted["crn"])
        assert codes(listed) == []  # matched ignoring case
    outsider = await as_user(await other_user(sql, restricted["crn"]), restricted["crn"])
    assert codes(outsider) == ["LIMITED_ACCESS"]
    nobody = await as_user(None, restricted["crn"])
    assert codes(nobody) == ["LIMITED_ACCESS"]
    assert codes(await as_user(None, excluded["crn"])) == ["LIMITED_ACCESS"]


async def test_lists_redact_limited_cases_rather_than_drop_them(
    gql: GraphQL, tokens: Tokens, sql: Any
) -> None:
    limited = [r["crn"].strip() for r in await lao_rows(sql, "restriction", active=True)][:3]
    body = await gql(
        "query($crns: [ID!]!) { cases(crns: $crns) { crn access { userRestricted } "
        "name { surname } } }",
        crns=limited,
    )
    assert [c["crn"] for c in body["data"]["cases"]] == limited
    assert all(c["name"] is None and c["access"]["userRestricted"] for c in body["data"]["cases"])
    assert set(codes(body)) == {"LIMITED_ACCESS"}


async def test_the_access_check_failing_fails_closed(
    settings: Any, tokens: Tokens, sql: Any, dsn: str
) -> None:
    """A5: with the limited-access tables locked, no case data comes out."""
    from dataclasses import replace

    import asyncpg

    from adapters.delius import DeliusAdapter, PoolOptions
    from resolvers.context import Backends

    crn = (await sql.fetchval("SELECT crn FROM offender WHERE soft_deleted = 0 LIMIT 1")).strip()
    delius = await DeliusAdapter.connect(dsn, PoolOptions(statement_timeout=0.3))
    locker = await asyncpg.connect(dsn)
    try:
        app = create_app(replace(settings), backends=Backends(delius=delius))
        async with locker.transaction():
            await locker.execute("LOCK TABLE restriction IN ACCESS EXCLUSIVE MODE")
            async with in_process(
                app,
                tokens.header(),
            ) as http:
                response = await http.post(
                    "/graphql", json={"query": CASE, "variables": {"crn": crn}}
                )
        body = response.json()
        assert body["data"] == {"case": None}
        assert codes(body) == ["SERVICE_UNAVAILABLE"]
    finally:
        await locker.close()
        await delius.aclose()


async def test_sensitive_notes_need_the_role(gql: GraphQL, tokens: Tokens, sql: Any) -> None:
    row = await sql.fetchrow(
        """SELECT o.crn, c.contact_date FROM contact c
           JOIN offender o ON o.offender_id = c.offender_id AND o.soft_deleted = 0
           WHERE c.soft_deleted = 0 AND c.sensitive = 'Y' AND c.notes IS NOT NULL
             AND o.current_exclusion = 0 AND o.current_restriction = 0 LIMIT 1"""
    )
    query = """query($crn: ID!, $day: Date!) { case(crn: $crn) {
                 contacts(first: 100, filter: {from: $day, to: $day}) {
                   edges { node { sensitive notes } } } } }"""
    variables = {"crn": row["crn"].strip(), "day": row["contact_date"].isoformat()}

    def sensitive_notes(body: dict[str, Any]) -> list[str | None]:
        edges = body["data"]["case"]["contacts"]["edges"]
        return [e["node"]["notes"] for e in edges if e["node"]["sensitive"]]

    plain = await gql(query, **variables)
    assert sensitive_notes(plain)
    assert all(n is None for n in sensitive_notes(plain))
    cleared = await gql(
        query, headers=tokens.header(roles=(Role.READ_CASES, Role.READ_SENSITIVE)), **variables
    )
    assert all(n for n in sensitive_notes(cleared))

"""``_entities``, ``_service`` and ``me`` through both paths: the same bytes, from the plan."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse
from graphql.execution.values import get_variable_values

from executor.plan import Plan, compile_plan, operation_of
from schema import build_schema
from tests.conftest import StatementLog
from tests.federation.references import Keys, case, known_keys, provider, staff, team
from tests.planner import corpus
from tests.planner.conftest import ASK, Both, World


@pytest.fixture(scope="session")
async def keys(sql: Any) -> Keys:
    """Organisation keys and a limited case, read straight from the legacy tables."""
    return await known_keys(sql)


def representation_lists(world: World, keys: Keys) -> dict[str, list[Any]]:
    """Every kind of representation list a gateway (or a caller posing as one) may send."""
    staff_code, team_code, provider_code = (
        next(iter(keys.staff)),
        next(iter(keys.teams)),
        next(iter(keys.providers)),
    )
    visible = world.ordinary
    return {
        "cases": [case(crn) for crn in visible[:5]],
        "mixed types": [
            case(visible[0]),
            staff(staff_code),
            team(team_code),
            provider(provider_code),
            case(world.custody[0]),
        ],
        "repeated": [case(visible[1]), case(visible[1]), staff(staff_code), staff(staff_code)],
        "any case and padding": [case(f" {visible[2].lower()} "), staff(staff_code.lower())],
        "unknown keys": [case("Z999999"), staff("Z99Z999"), team("Z99Z99"), provider("Z99")],
        "limited": [
            case(keys.limited_crn),
            *(case(crn) for crn in world.restricted),
            case(world.excluded[0]),
        ],
        "partner held": [case(crn) for crn in world.partner_held] + [case(visible[3])],
        "bad": [
            case(visible[4]),
            {"__typename": "Offender", "crn": "X000001"},
            {"__typename": "CodedValue", "code": "M"},
            {"crn": "X000001"},
            {"__typename": ["Case"], "crn": "X000001"},
            {"__typename": "Case"},
            {"__typename": "Case", "code": "X000001"},
            {"__typename": "Case", "crn": 320741},
            {"__typename": "Staff", "code": None},
            case("X12"),
            case("X'; DROP TABLE offender; --"),
            staff("N07"),
            team("N07-T1"),
            provider("N0777"),
            "Case:X000001",
            [case("X000001")],
            case(visible[5]),
        ],
        "none": [],
        "over the cap": [case(crn) for crn in visible[:50]] * 2 + [case(visible[0])],
        "exactly the cap": [case(crn) for crn in visible[:50]] * 2,
    }


@pytest.mark.parametrize(
    ("name", "document"), corpus.ENTITY_DOCUMENTS, ids=[n for n, _ in corpus.ENTITY_DOCUMENTS]
)
async def test_entities_documents(
    both: Both, world: World, keys: Keys, name: str, document: str
) -> None:
    for caller, headers in world.callers.items():
        for kind, representations in representation_lists(world, keys).items():
            variables = {"r": representations, "crn": world.ordinary[0]}
            body = await both.same(document, variables, headers=headers)
            assert body["path"] == "planned", (caller, kind, body["path"])
            if caller == "no-role":
                assert body["data"] is None
                assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_errors_land_in_their_own_slots(both: Both, world: World, keys: Keys) -> None:
    lists = representation_lists(world, keys)
    body = await both.same(corpus.GATEWAY_ENTITIES, {"r": lists["bad"]})
    entities = body["data"]["_entities"]
    assert entities[0]["crn"] == world.ordinary[4]
    assert entities[-1]["crn"] == world.ordinary[5]
    assert entities[1:-1] == [None] * (len(entities) - 2)
    codes = {(tuple(e["path"]), e["extensions"]["code"]) for e in body["errors"]}
    assert codes == {(("_entities", i), "BAD_USER_INPUT") for i in range(1, len(entities) - 1)}

    body = await both.same(corpus.GATEWAY_ENTITIES, {"r": lists["over the cap"]})
    assert body["data"] is None
    assert body["errors"][0]["message"] == "at most 100 representations per request"

    body = await both.same(corpus.GATEWAY_ENTITIES, {"r": lists["unknown keys"]})
    assert body["data"]["_entities"] == [None, None, None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["_entities", 0], "NOT_FOUND")
    ]


async def test_limited_cases_give_only_their_crn_and_access(both: Both, keys: Keys) -> None:
    body = await both.same(corpus.GATEWAY_ENTITIES, {"r": [case(keys.limited_crn)]})
    entity = body["data"]["_entities"][0]
    assert entity["crn"] == keys.limited_crn
    assert entity["access"]["message"]
    assert entity["name"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"LIMITED_ACCESS"}
    assert body["path"] == "planned"


@pytest.mark.parametrize(
    ("name", "document"), corpus.CALLER_DOCUMENTS, ids=[n for n, _ in corpus.CALLER_DOCUMENTS]
)
async def test_service_and_me(both: Both, world: World, name: str, document: str) -> None:
    for caller, headers in world.callers.items():
        body = await both.same(document, {}, headers=headers)
        assert body["path"] == "planned", (caller, body["path"])
    partner = await both.same(corpus.ME, {}, headers=world.callers["partner"])
    assert partner["data"]["me"]["provider"]["code"] == "C01"


async def test_the_service_sdl_is_the_printed_schema(both: Both) -> None:
    body = await both.same("{ _service { sdl } }")
    assert 'type Case @key(fields: "crn")' in body["data"]["_service"]["sdl"]


async def test_statements_do_not_grow_with_cases(
    both: Both, world: World, statement_log: StatementLog
) -> None:
    """The gateway's case view under ``_entities`` costs the statements ``cases(crns:)``
    costs for the same selection (its projected read included), however many cases."""

    async def statements(document: str, variables: dict[str, Any]) -> int:
        request = {"query": document, "variables": variables, "extensions": ASK}
        await both.planned.post("/graphql", json=request)  # warm the pool and type caches
        statement_log.clear()
        body = (await both.planned.post("/graphql", json=request)).json()
        assert body["extensions"]["casegraphExecution"] == "planned"
        assert "errors" not in body
        return statement_log.count

    def entities(crns: list[str]) -> dict[str, Any]:
        return {"r": [case(crn) for crn in crns]}

    ten = await statements(corpus.GATEWAY_ENTITIES, entities(world.ordinary[:10]))
    fifty = await statements(corpus.GATEWAY_ENTITIES, entities(world.ordinary[:50]))
    direct = await statements(corpus.CASES_VIEW, {"crns": world.ordinary[:50]})
    assert ten == fifty == direct
    assert fifty <= 5


LITERAL = """
{ _entities(representations: [{__typename: "Case", crn: "Z999999"}, {__typename: "Staff",
    code: "bad"}, "Case:X000001", {__typename: "Provider", code: "zz9"}]) {
    __typename ... on Case { crn } ... on Provider { code } } }
"""


async def test_representations_written_in_the_document(both: Both) -> None:
    body = await both.same(LITERAL)
    assert body["path"] == "planned"
    assert body["data"] == {"_entities": [None, None, None, None]}


def plan_of(document: str, variables: dict[str, Any]) -> Plan:
    """The plan compiled for one document and these variables."""
    schema = build_schema()._schema
    operation = operation_of(parse(document), None)
    definitions = operation.operation.variable_definitions or ()
    coerced = get_variable_values(schema, definitions, variables)
    assert not isinstance(coerced, list), coerced
    return compile_plan(schema, operation, coerced)


def test_each_possible_type_gets_its_own_selection() -> None:
    """``_entities`` compiles one selection per entity type, fragments merged for that type
    only; the Case one carries the same projected read as under ``cases(crns:)``."""
    plan = plan_of(corpus.ENTITIES_SHAPES, {"r": [], "crn": "X000001"})
    one, two = (f.by_type for f in plan.root.fields if f.name == "_entities")
    assert one is not None
    assert two is not None
    assert {name: [f.key for f in s.fields] for name, s in one.items()} == {
        "Case": ["__typename", "name", "crn"],
        "Staff": ["__typename", "code"],
        "Team": ["__typename", "code"],
        "Provider": ["__typename"],
    }
    assert {name: [f.key for f in s.fields] for name, s in two.items()} == {
        "Case": [],
        "Staff": [],
        "Team": [],
        "Provider": ["description"],
    }
    (entities,) = plan_of(corpus.GATEWAY_ENTITIES, {"r": []}).root.fields
    assert entities.by_type is not None
    assert entities.by_type["Case"].projected is not None

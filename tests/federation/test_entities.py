"""``_entities``: every entity type resolves; a bad representation fails its own slot only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL, StatementLog, Tokens
from tests.federation.references import (
    ENTITIES,
    Keys,
    case,
    provider,
    slot_errors,
    staff,
    team,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_every_entity_type_resolves(gql: GraphQL, keys: Keys) -> None:
    crn = keys.visible_crns[0]
    staff_code, team_code, provider_code = (
        next(iter(keys.staff)),
        next(iter(keys.teams)),
        next(iter(keys.providers)),
    )
    body = await gql(
        ENTITIES,
        representations=[case(crn), staff(staff_code), team(team_code), provider(provider_code)],
    )
    assert body == {
        "data": {
            "_entities": [
                {"__typename": "Case", "crn": crn, "name": {"surname": keys.surnames[crn]}},
                {"__typename": "Staff", "code": staff_code, "surname": keys.staff[staff_code]},
                {"__typename": "Team", "code": team_code, "description": keys.teams[team_code]},
                {
                    "__typename": "Provider",
                    "code": provider_code,
                    "isPrivate": keys.providers[provider_code],
                },
            ]
        }
    }


BAD_REPRESENTATIONS = {
    "unknown typename": {"__typename": "Offender", "crn": "X000001"},
    "a type that is not an entity": {"__typename": "CodedValue", "code": "M"},
    "the root type": {"__typename": "Query"},
    "no typename": {"crn": "X000001"},
    "typename not a string": {"__typename": ["Case"], "crn": "X000001"},
    "missing key": {"__typename": "Case"},
    "key under another name": {"__typename": "Case", "code": "X000001"},
    "key not a string": {"__typename": "Case", "crn": 320741},
    "key null": {"__typename": "Staff", "code": None},
    "key an object": {"__typename": "Team", "code": {"code": "N07T01"}},
    "malformed CRN": {"__typename": "Case", "crn": "X12"},
    "CRN with SQL": {"__typename": "Case", "crn": "X'; DROP TABLE offender; --"},
    "empty CRN": {"__typename": "Case", "crn": ""},
    "malformed staff code": {"__typename": "Staff", "code": "N07"},
    "malformed team code": {"__typename": "Team", "code": "N07-T1"},
    "malformed provider code": {"__typename": "Provider", "code": "N0777"},
    "not an object": "Case:X000001",
    "a list": [{"__typename": "Case", "crn": "X000001"}],
}


@pytest.mark.parametrize("bad", BAD_REPRESENTATIONS.values(), ids=BAD_REPRESENTATIONS.keys())
async def test_a_bad_representation_fails_only_its_own_slot(
    gql: GraphQL, keys: Keys, bad: Any
) -> None:
    first, last = keys.visible_crns[:2]
    body = await gql(ENTITIES, representations=[case(first), bad, case(last)])
    entities = body["data"]["_entities"]
    assert [entity and entity["crn"] for entity in entities] == [first, None, last]
    assert slot_errors(body) == [(["_entities", 1], "BAD_USER_INPUT")]


async def test_errors_do_not_echo_the_value_given(gql: GraphQL) -> None:
    body = await gql(ENTITIES, representations=[case("SECRET-X320741"), team("SECRET!")])
    assert body["data"] == {"_entities": [None, None]}
    assert "SECRET" not in str(body["errors"])
    assert [error["message"] for error in body["errors"]] == [
        "Case.crn is malformed, expected e.g. X320741",
        "Team.code is malformed, expected e.g. N07T01",
    ]


async def test_keys_are_taken_in_any_case_and_padding(gql: GraphQL, keys: Keys) -> None:
    crn, code = keys.visible_crns[0], next(iter(keys.staff))
    body = await gql(ENTITIES, representations=[case(f" {crn.lower()} "), staff(code.lower())])
    assert [entity["__typename"] for entity in body["data"]["_entities"]] == ["Case", "Staff"]
    assert [body["data"]["_entities"][0]["crn"], body["data"]["_entities"][1]["code"]] == [
        crn,
        code,
    ]


def as_entity(body: dict[str, Any], field: str, index: int) -> dict[str, Any]:
    """A root field's answer as ``_entities`` would give it at ``index``."""
    return {
        "data": [body["data"][field]],
        "errors": [
            {
                "message": error["message"],
                "path": ["_entities", index, *error["path"][1:]],
                "extensions": error["extensions"],
            }
            for error in body.get("errors", [])
        ],
    }


def entities_at(body: dict[str, Any], index: int) -> dict[str, Any]:
    """One slot of an ``_entities`` answer and the errors under it."""
    return {
        "data": [body["data"]["_entities"][index]],
        "errors": [
            {"message": e["message"], "path": e["path"], "extensions": e["extensions"]}
            for e in body.get("errors", [])
            if e["path"][:2] == ["_entities", index]
        ],
    }


CASE = (
    """query($crn: ID!) { case(crn: $crn) { __typename ... on Case { crn name { surname } } } }"""
)


async def test_an_unknown_or_limited_case_answers_as_case_by_crn_does(
    gql: GraphQL, keys: Keys
) -> None:
    crn = keys.visible_crns[0]
    body = await gql(ENTITIES, representations=[case("Z999999"), case(crn), case(keys.limited_crn)])
    assert body["data"]["_entities"][1] == {
        "__typename": "Case",
        "crn": crn,
        "name": {"surname": keys.surnames[crn]},
    }
    for index, asked in [(0, "Z999999"), (2, keys.limited_crn)]:
        direct = await gql(CASE, crn=asked)
        assert direct.get("errors"), asked
        assert entities_at(body, index) == as_entity(direct, "case", index)


async def test_unknown_organisation_keys_answer_as_their_root_fields_do(gql: GraphQL) -> None:
    body = await gql(ENTITIES, representations=[staff("Z99Z999"), team("Z99Z99"), provider("Z99")])
    direct = await gql(
        '{ staff(code: "Z99Z999") { code } team(code: "Z99Z99") { code } '
        'provider(code: "Z99") { code } }'
    )
    assert direct == {"data": {"staff": None, "team": None, "provider": None}}
    assert body == {"data": {"_entities": [None, None, None]}}


async def test_more_representations_than_the_cap_are_refused_untouched(
    gql: GraphQL, keys: Keys, statement_log: StatementLog
) -> None:
    representations = [case(crn) for crn in keys.visible_crns] + [case("Z999999")]
    assert len(representations) == 101
    statement_log.clear()
    body = await gql(ENTITIES, representations=representations)
    assert statement_log.count == 0
    assert body["data"] is None
    assert slot_errors(body) == [(["_entities"], "BAD_USER_INPUT")]
    assert body["errors"][0]["message"] == "at most 100 representations per request"


async def test_exactly_the_cap_is_served(gql: GraphQL, keys: Keys) -> None:
    body = await gql(ENTITIES, representations=[case(crn) for crn in keys.visible_crns])
    assert "errors" not in body
    assert [entity["crn"] for entity in body["data"]["_entities"]] == keys.visible_crns


async def test_a_caller_who_may_not_read_cases_gets_no_entity(
    gql: GraphQL, keys: Keys, tokens: Tokens, statement_log: StatementLog
) -> None:
    statement_log.clear()
    body = await gql(
        ENTITIES,
        representations=[case(keys.visible_crns[0]), staff(next(iter(keys.staff)))],
        headers=tokens.header(roles=("ROLE_SOMETHING_ELSE",), username="jsmith"),
    )
    assert body["data"] is None
    assert slot_errors(body) == [(["_entities"], "FORBIDDEN")]
    assert statement_log.count == 0

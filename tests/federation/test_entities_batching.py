"""N representations of a type cost one batched backend call, however many there are."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from tests.conftest import GraphQL, StatementLog, Tokens, in_process
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


@pytest.fixture(scope="module")
async def gql(settings: Settings, delius: DeliusAdapter, tokens: Tokens) -> AsyncIterator[GraphQL]:
    """The app with room for 100 cases plus organisation references in one request."""
    app = create_app(replace(settings, max_representations=200), backends=Backends(delius))
    async with in_process(app, tokens.header()) as http:
        yield GraphQL(http)


def representations(keys: Keys, cases: int) -> list[dict[str, str]]:
    """``cases`` case references (the first limited to its CRN), then the organisation's."""
    crns = [keys.limited_crn, *keys.visible_crns][:cases]
    organisation = (
        [staff(code) for code in keys.staff]
        + [team(code) for code in keys.teams]
        + [provider(code) for code in keys.providers]
    )
    return [case(crn) for crn in crns] + organisation


async def statements_for(gql: GraphQL, log: StatementLog, asked: list[dict[str, str]]) -> int:
    await gql(ENTITIES, representations=asked)  # warm the pool's connections and type caches
    log.clear()
    body = await gql(ENTITIES, representations=asked)
    entities = body["data"]["_entities"]
    assert len(entities) == len(asked)
    assert entities[0] == {"__typename": "Case", "crn": asked[0]["crn"], "name": None}
    assert all(entity is not None for entity in entities[1:])
    assert slot_errors(body) == [(["_entities", 0, "name"], "LIMITED_ACCESS")]
    return log.count


async def test_statements_do_not_grow_with_representations(
    gql: GraphQL, keys: Keys, statement_log: StatementLog
) -> None:
    small = representations(keys, 10)
    large = representations(keys, 100)
    assert sum(1 for r in large if r["__typename"] == "Case") == 100
    assert len(large) == 113
    ten = await statements_for(gql, statement_log, small)
    hundred = await statements_for(gql, statement_log, large)
    # cases by CRN, their access decisions, staff, teams and providers by code, and the
    # request's audit trail written in one statement
    assert hundred <= 6
    assert ten == hundred

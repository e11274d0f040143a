"""Both paths, the same bytes: every covered document, for every kind of caller and CRN."""

from __future__ import annotations

from typing import Any

import pytest

from tests.planner import corpus
from tests.planner.conftest import Both, World


def crn_values(world: World) -> list[str]:
    return [
        world.ordinary[0],
        world.ordinary[1].lower(),
        world.custody[0],
        world.restricted[0],
        world.excluded[0],
        world.partner_held[0],
        "Z999999",
        "not-a-crn",
    ]


@pytest.mark.parametrize(("name", "document"), corpus.BY_CRN, ids=[n for n, _ in corpus.BY_CRN])
async def test_documents_by_crn(both: Both, world: World, name: str, document: str) -> None:
    planned = 0
    for caller, headers in world.callers.items():
        for crn in crn_values(world):
            body = await both.same(document, {"crn": crn}, headers=headers)
            planned += body["path"] == "planned"
            assert body["data"] is not None or body["errors"], (caller, crn)
    assert planned == len(world.callers) * len(crn_values(world))


@pytest.mark.parametrize(("name", "document"), corpus.BY_CRNS, ids=[n for n, _ in corpus.BY_CRNS])
async def test_documents_by_crns(both: Both, world: World, name: str, document: str) -> None:
    mixed = [*crn_values(world), *world.custody, world.ordinary[0]]
    lists = [world.ordinary[:50], mixed, [], world.restricted]
    for headers in world.callers.values():
        for crns in lists:
            body = await both.same(document, {"crns": crns}, headers=headers)
            assert body["path"] == "planned"


async def test_too_many_crns_null_the_whole_answer(both: Both, world: World) -> None:
    body = await both.same(corpus.ONLY_CRNS, {"crns": world.ordinary[:1] * 101})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["path"] == "planned"


async def test_selection_shapes_and_conditions(both: Both, world: World) -> None:
    for crn in (world.ordinary[2], world.restricted[0], "Z999999"):
        for variables in (
            {"crn": crn, "withName": True},
            {"crn": crn, "withName": False, "skipEvents": True, "first": 3},
            {"crn": crn, "withName": True, "first": 101},
        ):
            body = await both.same(corpus.SHAPES, variables)
            assert body["path"] == "planned"


async def test_contact_filters_cursors_and_page_sizes(both: Both, world: World) -> None:
    crn = world.ordinary[3]
    first = await both.same(corpus.FILTERED, {"crn": crn, "first": 3})
    cursor = first["data"]["case"]["contacts"]["pageInfo"]["endCursor"]
    cases = [
        {"first": 3, "after": cursor},
        {"first": 0},
        {"first": 101},
        {"first": -1},
        {"first": 5, "after": "garbage"},
        {"first": 5, "after": "WyJvZmZzZXQiLDFd"},
        {"first": 5, "filter": {"appointmentsOnly": True}},
        {"first": 5, "filter": {"from": "2020-01-01", "to": "2030-01-01", "typeCodes": ["COAP"]}},
        {"first": 5, "filter": {"eventNumber": 1}},
    ]
    for variables in cases:
        body = await both.same(corpus.FILTERED, {"crn": crn, **variables})
        assert body["path"] == "planned"
    assert cursor


@pytest.mark.parametrize(
    ("name", "document", "variables"), corpus.FALLBACK, ids=[n for n, *_ in corpus.FALLBACK]
)
async def test_uncovered_documents_fall_back(
    both: Both, world: World, name: str, document: str, variables: dict[str, Any] | None
) -> None:
    body = await both.same(document, variables or {"crn": world.ordinary[0]})
    assert body["path"].startswith("graphql-core")

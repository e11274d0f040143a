"""The checked ``_entities`` on small schemas: key formats, fallbacks and build-time guards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry

from resolvers.context import Limits
from resolvers.viewer import Caller, Role
from schema import build_schema
from schema.federation import ANY_KEY, KEY_FORMATS, FederatedSchema

READER = Role.READ_CASES


@strawberry.federation.type(keys=["id"], description="A thing with a key of no known form.")
class Thing:
    id: strawberry.ID = strawberry.field(description="Its identifier.")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Thing:
        return cls(id=id)


@strawberry.type(description="The root.")
class ThingQuery:
    @strawberry.field(description="One thing.")
    def thing(self) -> Thing:
        return Thing(id=strawberry.ID("t1"))


@strawberry.federation.type(keys=["id"], description="An entity with no resolver.")
class Orphan:
    id: strawberry.ID = strawberry.field(description="Its identifier.")


@strawberry.type(description="The root.")
class OrphanQuery:
    @strawberry.field(description="The orphan.")
    def orphan(self) -> Orphan:
        return Orphan(id=strawberry.ID("o"))


@dataclass
class BareContext:
    limits: Limits
    caller: Caller = field(default_factory=lambda: Caller("tests", roles=frozenset({READER})))


def test_every_entity_of_the_graph_has_a_key_format_of_its_own() -> None:
    schema = build_schema()
    assert isinstance(schema, FederatedSchema)
    assert {name: entity.key_field for name, entity in schema.entity_types.items()} == {
        "Case": "crn",
        "Provider": "code",
        "Staff": "code",
        "Team": "code",
    }
    assert all(
        entity.key_format is KEY_FORMATS[name] for name, entity in schema.entity_types.items()
    )


async def test_an_entity_without_a_format_takes_any_short_string() -> None:
    schema = FederatedSchema(query=ThingQuery, federation_version="2.9")
    assert schema.entity_types["Thing"].key_format is ANY_KEY
    result = await schema.execute(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }",
        variable_values={
            "r": [
                {"__typename": "Thing", "id": "any-Form_1"},
                {"__typename": "Thing", "id": "  "},
                {"__typename": "Thing", "id": "x" * 101},
            ]
        },
        context_value=BareContext(Limits()),
    )
    assert result.data == {"_entities": [{"id": "any-Form_1"}, None, None]}
    assert [(e.path, e.extensions) for e in result.errors or []] == [
        (["_entities", 1], {"code": "BAD_USER_INPUT"}),
        (["_entities", 2], {"code": "BAD_USER_INPUT"}),
    ]


async def test_the_cap_comes_from_the_request_context() -> None:
    schema = FederatedSchema(query=ThingQuery, federation_version="2.9")
    representations: list[Any] = [{"__typename": "Thing", "id": "t"}] * 3
    result = await schema.execute(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id } } }",
        variable_values={"r": representations},
        context_value=BareContext(Limits(max_representations=2)),
    )
    assert result.data is None
    assert [(e.message, e.path) for e in result.errors or []] == [
        ("at most 2 representations per request", ["_entities"])
    ]


def test_an_entity_that_cannot_be_resolved_is_refused_when_the_schema_is_built() -> None:
    with pytest.raises(TypeError, match="entity Orphan needs resolve_reference"):
        FederatedSchema(query=OrphanQuery, federation_version="2.9")

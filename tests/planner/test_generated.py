"""Generated documents over the covered part of the schema, with real and bad CRNs."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from executor.graph import FIELDS
from schema import build_schema
from tests.planner.conftest import Both, World


def covered_sdl() -> str:
    """The printed schema cut down to the fields the planner covers.

    CRN arguments get a scalar of their own (``Crn``) so generated documents carry real
    CRNs; in the real schema they are IDs, which accept the same string literals.
    """
    document = graphql.parse(graphql.print_schema(build_schema()._schema))
    kept: list[Any] = []
    for node in document.definitions:
        name = getattr(getattr(node, "name", None), "value", None)
        if isinstance(node, graphql.ObjectTypeDefinitionNode) and name in FIELDS:
            fields = tuple(f for f in node.fields or () if f.name.value in FIELDS[name])
            kept.append(
                graphql.ObjectTypeDefinitionNode(
                    name=node.name, fields=fields, interfaces=(), directives=()
                )
            )
        elif isinstance(node, graphql.EnumTypeDefinitionNode) or name in {
            "ContactFilter",
            "CaseSearch",
            "Date",
            "DateTime",
            "_Any",
            "_Entity",
        }:
            kept.append(node)
    text = graphql.print_ast(graphql.DocumentNode(definitions=tuple(kept)))
    text = text.replace("case(crn: ID!)", "case(crn: Crn!)").replace("[ID!]!)", "[Crn!]!)")
    return text + "\nscalar Crn\n"


@pytest.fixture(scope="session")
def generated(world: World) -> st.SearchStrategy[Any]:
    crns = [*world.ordinary[:5], *world.custody[:2], world.restricted[0], world.excluded[0]]
    crns += [world.partner_held[0], "Z999999", "bad"]
    crn = st.sampled_from(crns).map(lambda value: graphql.StringValueNode(value=value))
    day = st.dates().map(lambda value: graphql.StringValueNode(value=value.isoformat()))
    return queries(
        covered_sdl(),
        fields=["case", "cases"],
        custom_scalars={"Crn": crn, "Date": day},
        allow_x00=False,
    )


async def test_generated_documents_answer_the_same(
    both: Both, world: World, generated: st.SearchStrategy[Any]
) -> None:
    seen: dict[str, int] = {}

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(document=generated, caller=st.sampled_from(sorted(world.callers)))
    def collect(document: str, caller: str) -> None:
        samples.append((document, caller))

    samples: list[tuple[str, str]] = []
    collect()
    for document, caller in samples:
        body = await both.same(document, headers=world.callers[caller])
        seen[body["path"].split(" ")[0]] = seen.get(body["path"].split(" ")[0], 0) + 1
    assert seen.get("planned", 0) > len(samples) // 2, seen

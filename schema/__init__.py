"""The case graph's GraphQL schema: strawberry types, a Federation v2 subgraph.

Types are grouped by business area (case, person, events, contacts, organisation); each
builds itself from adapter records with ``from_record`` and reads relations through the
request's loaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import strawberry
from strawberry.extensions import SchemaExtension

from schema.case_events import Subscription
from schema.federation import FederatedSchema
from schema.mutations import Mutation
from schema.query import Query

FEDERATION_VERSION: Final = "2.9"


def build_schema(extensions: Sequence[type[SchemaExtension] | Any] = ()) -> strawberry.Schema:
    """The federated schema, with the given extensions (classes or factories).

    ``_entities`` checks and caps its representations (see ``schema.federation``).
    """
    return FederatedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=list(extensions),
        federation_version=FEDERATION_VERSION,
    )


def print_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return build_schema().as_str() + "\n"

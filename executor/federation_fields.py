"""The root fields a federation gateway and a signed-in client send: ``_entities``,
``_service`` and ``me``, each answering exactly as its graphql-core resolver.

Sources: the root fields get the strawberry schema itself (``Plan.root_value``); an
``_entities`` item is the source its type's reference rule gives (a Case a ``CaseView``,
the others their records), its object type found by ``concrete_types``; ``_Service``
gets the schema; ``Viewer`` the ``Caller``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from strawberry.printer import print_schema

from executor.attributes import attributes_of
from executor.permissions import refusal
from executor.specs import Args, Call, Spec, Sync, itself
from resolvers.context import Context
from resolvers.references import checked_references, provider_of_caller, read_references
from resolvers.viewer import Caller, listed_roles
from schema.federation import FederatedSchema
from schema.permissions import IsAuthenticated
from schema.query import Viewer


async def _entities(schema: FederatedSchema, args: Args, context: Context) -> list[Any]:
    """One source (or None, or that slot's own error) per representation, in order: the
    representations of each type read in one batch."""
    checked = checked_references(context, args["representations"], schema.entity_types)
    return await read_references(context, checked)


@cache
def _sdl(schema: FederatedSchema) -> str:
    """The subgraph's SDL, printed once per schema (it never changes once built)."""
    return print_schema(schema)


def _me(root: Any, args: Args, context: Context) -> Caller:
    refused = refusal(IsAuthenticated(), root, args, context)
    if refused is not None:
        raise refused
    return context.caller


async def _caller_provider(caller: Caller, args: Args, context: Context) -> Any:
    return await provider_of_caller(context)


FEDERATION_FIELDS: dict[str, dict[str, Spec]] = {
    "Query": {
        "_entities": Call(_entities),
        "_service": itself(),
        "me": Sync(_me),
    },
    "_Service": {"sdl": Sync(lambda schema, a, c: _sdl(schema), safe=True)},
    "Viewer": attributes_of(
        Viewer,
        roles=Sync(lambda caller, a, c: listed_roles(caller), safe=True),
        provider=Call(_caller_provider, permission=False),
    ),
}

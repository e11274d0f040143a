"""Federation's ``_entities``, checked before anything is resolved.

strawberry's own ``_entities`` trusts the gateway: one unknown ``__typename`` fails the
whole list, a missing key becomes an internal error, and any number of representations
is accepted. Here every representation is checked first, and a bad one fails its own
slot only (BAD_USER_INPUT at ``["_entities", i]``); a list over the request's cap is
refused whole before any backend is touched. The good ones resolve through each type's
``resolve_reference``, which loads through the request's loaders, so N representations
of one type cost one batched backend call. The checks and each type's read are the rules
of ``resolvers.references``, which the planned executor's ``_entities`` calls too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

import strawberry
from graphql import GraphQLEnumType, GraphQLField, GraphQLObjectType, GraphQLSchema
from strawberry.federation.schema import FederationAny
from strawberry.federation.schema_directives import Key
from strawberry.permission import PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition
from strawberry.utils.inspect import get_func_args

from resolvers.context import Info
from resolvers.errors import PublicError
from resolvers.references import ANY_KEY, KEY_FORMATS, EntityKey, checked_references
from schema.permissions import CanReadCases


@dataclass(frozen=True, slots=True)
class EntityType(EntityKey):
    """One entity type as strawberry's ``_entities`` resolves it: its ``resolve_reference``."""

    resolve_reference: Callable[..., Any]
    wants_info: bool = True

    def resolve(self, info: Info, key: str) -> object:
        """Call ``resolve_reference`` as strawberry would: ``info`` only if it asks for it."""
        extra = {"info": info} if self.wants_info else {}
        return self.resolve_reference(**{self.key_field: key}, **extra)


class FederatedSchema(strawberry.federation.Schema):
    """strawberry's federation schema with a checked, capped ``_entities``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entity_types: Mapping[str, EntityType] = self._find_entity_types()
        describe_federation(self._schema)

    def _get_federation_query_type(self, *args: Any, **kwargs: Any) -> type:
        """strawberry's root with ``_entities`` added, which reaches cases: the same
        permission as every root field that does (a caller who may not read cases gets
        FORBIDDEN for the whole field)."""
        query = super()._get_federation_query_type(*args, **kwargs)
        for field in get_object_definition(query, strict=True).fields:
            if field.graphql_name == "_entities" and not field.permission_classes:
                field.permission_classes = [CanReadCases]
                field.extensions.append(PermissionExtension([CanReadCases()], use_directives=False))
        return query

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """One result per representation: an entity, None, or that slot's own error."""
        results: list[object] = []
        for checked in checked_references(info.context, representations, self.entity_types):
            if isinstance(checked, PublicError):
                results.append(checked)
                continue
            try:
                results.append(self.entity_types[checked.entity.name].resolve(info, checked.key))
            except Exception as error:  # a bug: masked later, in its own slot
                results.append(error)
        return cast("list[FederationAny]", results)

    def _find_entity_types(self) -> dict[str, EntityType]:
        entities: dict[str, EntityType] = {}
        for name, concrete in self.schema_converter.type_map.items():
            definition = concrete.definition
            if not isinstance(definition, StrawberryObjectDefinition):
                continue
            keys = [d for d in definition.directives or () if isinstance(d, Key)]
            if not keys:
                continue
            key_field = str(keys[0].fields)
            resolve = getattr(definition.origin, "resolve_reference", None)
            if resolve is None or " " in key_field:
                raise TypeError(f"entity {name} needs resolve_reference and a one-field key")
            entities[name] = EntityType(
                name=name,
                key_field=key_field,
                key_format=KEY_FORMATS.get(name, ANY_KEY),
                resolve_reference=resolve,
                wants_info="info" in get_func_args(resolve),
            )
        return entities


_FEDERATION_TYPES: Final[Mapping[str, str]] = {
    "_Any": "A federation representation: an object with __typename and the entity's key.",
    "_Entity": "Every type a federation gateway may ask for by key (Case, Staff, Team, Provider).",
    "_Service": "This subgraph, as a federation gateway composes it.",
    "_FieldSet": "A selection of fields naming an entity's key, as federation writes it.",
    "link__Import": "A name imported from a linked specification, optionally renamed.",
    "link__Purpose": "Why a specification is linked.",
}
_FEDERATION_FIELDS: Final[Mapping[tuple[str, str], str]] = {
    ("Query", "_entities"): "Entities by key, for a federation gateway: one result (or its "
    "own error) per representation, in the order given.",
    ("Query", "_service"): "This subgraph's SDL, for a federation gateway.",
    ("_Service", "sdl"): "The subgraph schema with its federation directives.",
}
_FEDERATION_ARGUMENTS: Final[Mapping[tuple[str, str, str], str]] = {
    ("Query", "_entities", "representations"): "One object per entity wanted: __typename "
    'and its key (e.g. {"__typename": "Case", "crn": "X320741"}).',
}
_FEDERATION_DIRECTIVES: Final[Mapping[str, str]] = {
    "key": "The fields that identify an entity across subgraphs.",
    "link": "A specification this schema uses (federation itself).",
}
_DIRECTIVE_ARGUMENTS: Final[Mapping[tuple[str, str], str]] = {
    ("key", "fields"): "The key's fields.",
    ("key", "resolvable"): "Whether this subgraph can resolve the entity by that key.",
    ("link", "url"): "The specification's address, with its version.",
    ("link", "as"): "The name the specification's definitions take here.",
    ("link", "for"): "Why it is linked.",
    ("link", "import"): "The definitions used without a prefix.",
}
_LINK_PURPOSES: Final[Mapping[str, str]] = {
    "SECURITY": "The specification affects who may see what.",
    "EXECUTION": "The specification affects how queries run.",
}


def describe_federation(schema: GraphQLSchema) -> None:
    """Describe what strawberry adds for federation, so introspection leaves nothing
    undescribed: a developer exploring the schema meets these types too."""
    for type_name, text in _FEDERATION_TYPES.items():
        named = schema.type_map.get(type_name)
        if named is not None:
            named.description = text
    for (type_name, field_name), text in _FEDERATION_FIELDS.items():
        field = _field_of(schema, type_name, field_name)
        if field is not None:
            field.description = text
    for (type_name, field_name, argument), text in _FEDERATION_ARGUMENTS.items():
        field = _field_of(schema, type_name, field_name)
        if field is not None and argument in field.args:
            field.args[argument].description = text
    for name, text in _FEDERATION_DIRECTIVES.items():
        directive = schema.get_directive(name)
        if directive is not None:
            directive.description = text
    for (name, argument), text in _DIRECTIVE_ARGUMENTS.items():
        directive = schema.get_directive(name)
        if directive is not None and argument in directive.args:
            directive.args[argument].description = text
    purpose = schema.type_map.get("link__Purpose")
    if isinstance(purpose, GraphQLEnumType):
        for value_name, text in _LINK_PURPOSES.items():
            if value_name in purpose.values:
                purpose.values[value_name].description = text


def _field_of(schema: GraphQLSchema, type_name: str, field_name: str) -> GraphQLField | None:
    named = schema.type_map.get(type_name)
    if not isinstance(named, GraphQLObjectType):
        return None
    field: GraphQLField | None = named.fields.get(field_name)
    return field

"""Federation's ``_entities``, checked before anything is resolved.

strawberry's own ``_entities`` trusts the gateway: one unknown ``__typename`` fails the
whole list, a missing key becomes an internal error, and any number of representations
is accepted. Here every representation is checked first, and a bad one fails its own
slot only (BAD_USER_INPUT at ``["_entities", i]``); a list over the request's cap is
refused whole before any backend is touched. The good ones resolve through each type's
``resolve_reference``, which loads through the request's loaders, so N representations
of one type cost one batched backend call.
"""

from __future__ import annotations

import re
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

from resolvers.cases import CRN_PATTERN
from resolvers.context import Info
from resolvers.errors import PublicError, bad_input
from schema.permissions import CanReadCases


@dataclass(frozen=True, slots=True)
class KeyFormat:
    """The form one entity's key value takes, so malformed keys never reach a backend."""

    pattern: re.Pattern[str]
    example: str
    upper: bool = True

    def canonical(self, value: str) -> str | None:
        """The value as the loaders expect it, or None when it is malformed."""
        candidate = value.strip().upper() if self.upper else value.strip()
        return candidate if self.pattern.fullmatch(candidate) else None


KEY_FORMATS: Final[Mapping[str, KeyFormat]] = {
    "Case": KeyFormat(CRN_PATTERN, "X320741"),
    "Provider": KeyFormat(re.compile(r"[A-Z0-9]{3}"), "N07"),
    "Team": KeyFormat(re.compile(r"[A-Z0-9]{6}"), "N07T01"),
    "Staff": KeyFormat(re.compile(r"[A-Z0-9]{7}"), "N07A001"),
}
"""Key formats by entity type, from the nDelius columns (CRN; CHAR(3), CHAR(6), CHAR(7))."""

ANY_KEY: Final = KeyFormat(re.compile(r"\S{1,100}"), "an identifier", upper=False)
"""For an entity type without a format of its own: a short non-blank string."""


@dataclass(frozen=True, slots=True)
class EntityType:
    """One entity type as ``_entities`` sees it: its resolver, key field and key format."""

    name: str
    resolve_reference: Callable[..., Any]
    key_field: str
    key_format: KeyFormat
    wants_info: bool = True

    def resolve(self, info: Info, key: str) -> object:
        """Call ``resolve_reference`` as strawberry would: ``info`` only if it asks for it."""
        extra = {"info": info} if self.wants_info else {}
        return self.resolve_reference(**{self.key_field: key}, **extra)


@dataclass(frozen=True, slots=True)
class Reference:
    """A checked representation: which type, and its key in canonical form."""

    entity: EntityType
    key: str


def check_representation(
    representation: object, entities: Mapping[str, EntityType]
) -> Reference | PublicError:
    """The reference a representation stands for, or the BAD_USER_INPUT error it earns.

    Messages name the expected form only, never the value given (it may be a CRN).
    """
    if not isinstance(representation, dict):
        return bad_input("a representation is an object with __typename and its key")
    type_name = representation.get("__typename")
    entity = entities.get(type_name) if isinstance(type_name, str) else None
    if entity is None:
        return bad_input(f"__typename must be one of {', '.join(sorted(entities))}")
    value = representation.get(entity.key_field)
    if not isinstance(value, str):
        return bad_input(f"a {entity.name} representation needs {entity.key_field} as a string")
    key = entity.key_format.canonical(value)
    if key is None:
        return bad_input(
            f"{entity.name}.{entity.key_field} is malformed, expected e.g. "
            f"{entity.key_format.example}"
        )
    return Reference(entity, key)


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
        limit = info.context.limits.max_representations
        if len(representations) > limit:
            raise bad_input(f"at most {limit} representations per request")
        results: list[object] = []
        for representation in representations:
            checked = check_representation(representation, self.entity_types)
            if isinstance(checked, PublicError):
                results.append(checked)
                continue
            try:
                results.append(checked.entity.resolve(info, checked.key))
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
                name,
                resolve,
                key_field,
                KEY_FORMATS.get(name, ANY_KEY),
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

"""The committed schema.graphql is the schema we serve, and every part of it is described."""

from __future__ import annotations

from pathlib import Path

from graphql import parse
from graphql.language import ObjectTypeDefinitionNode, StringValueNode, TypeDefinitionNode

from schema import FEDERATION_VERSION, print_sdl

SDL_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
FEDERATION_OWN = {"_Service", "_Entity", "_Any", "_service", "_entities"}


def test_the_committed_sdl_is_current() -> None:
    assert SDL_FILE.read_text() == print_sdl(), (
        "schema.graphql differs from the schema; if the change is intended, run "
        "`casegraph schema > schema.graphql` and commit the file"
    )


def test_the_sdl_links_the_federation_version_that_composes_everywhere() -> None:
    first_line = print_sdl().splitlines()[0]
    assert f'@link(url: "https://specs.apollo.dev/federation/v{FEDERATION_VERSION}"' in first_line
    assert FEDERATION_VERSION == "2.9"


def undescribed(definition: TypeDefinitionNode) -> list[str]:
    """The type itself, its fields, input fields and enum values that have no description."""
    name = definition.name.value
    missing = [] if definition.description is not None else [name]
    members = [
        *(getattr(definition, "fields", None) or ()),
        *(getattr(definition, "values", None) or ()),
    ]
    missing += [
        f"{name}.{member.name.value}"
        for member in members
        if member.name.value not in FEDERATION_OWN and member.description is None
    ]
    return missing


def type_definitions() -> list[TypeDefinitionNode]:
    return [
        definition
        for definition in parse(print_sdl()).definitions
        if isinstance(definition, TypeDefinitionNode)
        and definition.name.value not in FEDERATION_OWN
    ]


def test_every_type_and_field_has_a_description() -> None:
    definitions = type_definitions()
    assert len(definitions) > 20
    missing = [name for definition in definitions for name in undescribed(definition)]
    assert missing == [], f"front-end teams read these in GraphiQL: describe {missing}"


def test_every_key_names_a_field_of_its_type() -> None:
    """A key in snake_case would print next to a camelCase field, and not compose."""
    keys = {}
    for definition in type_definitions():
        if not isinstance(definition, ObjectTypeDefinitionNode):
            continue
        fields = {field.name.value for field in definition.fields or ()}
        for directive in definition.directives or ():
            if directive.name.value == "key":
                (argument,) = [a for a in directive.arguments if a.name.value == "fields"]
                assert isinstance(argument.value, StringValueNode)
                keys[definition.name.value] = argument.value.value
                assert argument.value.value in fields, definition.name.value
    assert keys == {"Case": "crn", "Provider": "code", "Staff": "code", "Team": "code"}

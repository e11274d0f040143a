"""Federation references: a representation checked, and the source it stands for.

Both executors answer ``_entities`` through these rules, so they cannot drift apart:

1. more representations than the request's cap is BAD_USER_INPUT for the whole list,
   before any backend is touched;
2. each representation is checked on its own: an object, a ``__typename`` naming an
   entity type, its key field as a string, the key in that type's form; a bad one is
   BAD_USER_INPUT in its own slot (the message names the expected form, never the value);
3. a good one is read by its type's rule below, the same one the type's
   ``resolve_reference`` calls: a case through the access policy (as ``case(crn:)``),
   an organisation record by code (as ``staff``, ``team``, ``provider``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from adapters.records import ProviderRecord, StaffRecord, TeamRecord
from resolvers.cases import CRN_PATTERN, organisation_code
from resolvers.context import Context
from resolvers.errors import PublicError, bad_input
from resolvers.policy import view_of_crn


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
class EntityKey:
    """One entity type as a representation names it: its key field and key format."""

    name: str
    key_field: str
    key_format: KeyFormat


@dataclass(frozen=True, slots=True)
class Reference:
    """A checked representation: which type, and its key in canonical form."""

    entity: EntityKey
    key: str


def check_representation(
    representation: object, entities: Mapping[str, EntityKey]
) -> Reference | PublicError:
    """The reference a representation stands for, or the BAD_USER_INPUT error it earns."""
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


def checked_references(
    context: Context, representations: Sequence[object], entities: Mapping[str, EntityKey]
) -> list[Reference | PublicError]:
    """Every representation checked, in order; too many is an error for the whole list."""
    limit = context.limits.max_representations
    if len(representations) > limit:
        raise bad_input(f"at most {limit} representations per request")
    return [check_representation(r, entities) for r in representations]


async def staff_of_code(context: Context, code: str) -> StaffRecord | None:
    """A member of staff by officer code (None when there is none)."""
    return await context.delius.staff_by_code.load(organisation_code(code))


async def team_of_code(context: Context, code: str) -> TeamRecord | None:
    """A team by code (None when there is none)."""
    return await context.delius.team_by_code.load(organisation_code(code))


async def provider_of_code(context: Context, code: str) -> ProviderRecord | None:
    """A provider by code (None when there is none)."""
    return await context.delius.provider_by_code.load(organisation_code(code))


async def provider_of_caller(context: Context) -> ProviderRecord | None:
    """The provider a partner caller acts for, by its token's code as given (None for a
    caller acting for none)."""
    code = context.caller.provider_code
    return None if code is None else await context.delius.provider_by_code.load(code)


ReferenceRule = Callable[[Context, str], Awaitable[Any]]
"""Reads the source an entity's key stands for, through the request's loaders."""

REFERENCE_RULES: Final[Mapping[str, ReferenceRule]] = {
    "Case": view_of_crn,
    "Staff": staff_of_code,
    "Team": team_of_code,
    "Provider": provider_of_code,
}
"""The rule for each entity type of this graph, by GraphQL type name."""

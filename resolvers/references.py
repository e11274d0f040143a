"""Federation references: a representation checked, and the source it stands for.

Both executors answer ``_entities`` through these rules, so they cannot drift apart:

1. more representations than the request's cap is BAD_USER_INPUT for the whole list,
   before any backend is touched;
2. each representation is checked on its own: an object, a ``__typename`` naming an
   entity type, its key field as a string, the key in that type's form; a bad one is
   BAD_USER_INPUT in its own slot (the message names the expected form, never the value);
3. the good ones are read by their type's rule below, one batch per type, and each
   type's ``resolve_reference`` reads its one key by the same rule: a case through the
   access policy (as ``case(crn:)``), an organisation record by code (as ``staff``,
   ``team``, ``provider``).
"""

from __future__ import annotations

import re
from asyncio import gather
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from adapters.records import ProviderRecord
from resolvers.cases import CRN_PATTERN, organisation_code
from resolvers.context import Context
from resolvers.delius_loaders import DeliusLoaders
from resolvers.errors import PublicError, bad_input
from resolvers.loader import KeyLoader
from resolvers.policy import decided_views


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


ReferenceRule = Callable[[Context, Sequence[str]], Awaitable[Sequence[Any]]]
"""Reads the sources many keys of one entity type stand for, in one batch, through the
request's loaders: for each key its source, None, or that key's own error."""


async def cases_of_crns(context: Context, crns: Sequence[str]) -> Sequence[Any]:
    """Cases by CRN, each decided by the access policy exactly as ``case(crn:)`` is."""
    return await decided_views(context, crns)


def _by_codes(loader: Callable[[DeliusLoaders], KeyLoader[str, Any]]) -> ReferenceRule:
    async def rule(context: Context, codes: Sequence[str]) -> Sequence[Any]:
        try:
            return await loader(context.delius).load_many([organisation_code(c) for c in codes])
        except PublicError as error:  # the batch failed: every key with it
            return [error] * len(codes)

    return rule


staff_of_codes = _by_codes(lambda delius: delius.staff_by_code)
"""Members of staff by officer code."""
teams_of_codes = _by_codes(lambda delius: delius.team_by_code)
"""Teams by code."""
providers_of_codes = _by_codes(lambda delius: delius.provider_by_code)
"""Providers by code."""

REFERENCE_RULES: Final[Mapping[str, ReferenceRule]] = {
    "Case": cases_of_crns,
    "Staff": staff_of_codes,
    "Team": teams_of_codes,
    "Provider": providers_of_codes,
}
"""The rule for each entity type of this graph, by GraphQL type name."""


async def one_reference(rule: ReferenceRule, context: Context, key: str) -> Any:
    """One key read by its type's rule (batched with the request's other reads by the
    loaders): its source or None, or its error raised."""
    (found,) = await rule(context, [key])
    if isinstance(found, Exception):
        raise found
    return found


async def read_references(
    context: Context, checked: Sequence[Reference | PublicError]
) -> list[Any]:
    """The source for each checked representation, in order (or that slot's own error):
    one batch per entity type, the types read together."""
    results: list[Any] = list(checked)
    wanted: dict[str, dict[int, str]] = {}
    for index, reference in enumerate(checked):
        if isinstance(reference, Reference):
            wanted.setdefault(reference.entity.name, {})[index] = reference.key
    reads = [REFERENCE_RULES[name](context, list(keys.values())) for name, keys in wanted.items()]
    for keys, found in zip(wanted.values(), await gather(*reads), strict=True):
        for index, value in zip(keys, found, strict=True):
            results[index] = value
    return results


async def provider_of_caller(context: Context) -> ProviderRecord | None:
    """The provider a partner caller acts for, by its token's code as given (None for a
    caller acting for none)."""
    code = context.caller.provider_code
    return None if code is None else await context.delius.provider_by_code.load(code)

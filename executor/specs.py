"""How the planned executor resolves one field: synchronously, by a batched load, or by a call.

A field's spec says where its value comes from; the graph's shape (nullability, lists,
leaf or object) comes from the GraphQL schema at compile time. Specs return records or
small tuples, never strawberry objects, so the assembler can write plain dicts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from resolvers.context import Context
from resolvers.delius_loaders import DeliusLoaders
from resolvers.loader import KeyLoader

Args = dict[str, Any]
"""Coerced argument values, keyed by their GraphQL names."""

Getter = Callable[[Any, Args, Context], Any]


@dataclass(frozen=True, slots=True, eq=False)
class Sync:
    """A value computed from the source alone. ``safe`` getters never raise."""

    get: Getter
    safe: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Load:
    """A value from one per-request loader: all sources of a level share one batch.

    ``key`` runs first (it may raise, e.g. LIMITED_ACCESS, exactly where the resolver
    would); ``then(value, key, source, args, context)`` turns the loaded record into the
    field's value.
    """

    loader: Callable[[DeliusLoaders], KeyLoader[Any, Any]]
    key: Callable[[Any, Args, Context], Hashable]
    then: Callable[[Any, Any, Any, Args, Context], Any]


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """A value from an arbitrary coroutine (the root fields, through the access policy)."""

    run: Callable[[Any, Args, Context], Awaitable[Any]]
    permission: bool = True


Spec = Sync | Load | Call


def attribute(name: str) -> Sync:
    """A plain attribute of the source record."""

    def get(source: Any, args: Args, context: Context) -> Any:
        return getattr(source, name)

    return Sync(get, safe=True)


def itself() -> Sync:
    """The source itself, for a nested object built from the same record."""
    return Sync(lambda source, args, context: source, safe=True)


def loaded(
    loader: Callable[[DeliusLoaders], KeyLoader[Any, Any]],
    key: Callable[[Any, Args, Context], Hashable],
) -> Load:
    """A field whose value is the loaded record as it is (None when not found)."""
    return Load(loader, key, lambda value, k, source, args, context: value)

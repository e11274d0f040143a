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

    ``loader`` picks the request's loader from the context, once per level; None when
    its backend is not configured, and the field is then null. ``key`` runs first (it
    may raise, e.g. LIMITED_ACCESS, exactly where the resolver would);
    ``then(value, key, source, args, context)`` turns the loaded record into the field's
    value.
    """

    loader: Callable[[Context], KeyLoader[Any, Any] | None]
    key: Callable[[Any, Args, Context], Hashable]
    then: Callable[[Any, Any, Any, Args, Context], Any]
    start: Callable[[Any, Context], None] | None = None
    """Starts, given the key, what may begin as soon as the key is known, ahead of the
    level's other reads: a slow backend (OASys) is then reached first and answers while
    they run; a read the next level needs is done by the time it asks."""
    for_selection: Callable[[Any], Load] | None = None
    """When given, makes the load for one compiled sub-selection (see ``Call``)."""


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """A value from an arbitrary coroutine (the root fields, through the access policy).

    ``for_selection``, when given, makes the call for one compiled sub-selection (a
    ``Selection``), so what depends on it (which loads to start ahead) is decided once,
    when compiling, not per request.
    """

    run: Callable[[Any, Args, Context], Awaitable[Any]]
    permission: bool = True
    for_selection: Callable[[Any], Call] | None = None
    start: Callable[[Any, Args, Context], None] | None = None
    """Starts what the call waits on first, as soon as its object is filled (ahead of
    the level's other reads), so a slow backend behind it is reached sooner."""


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
    loader: Callable[[Context], KeyLoader[Any, Any] | None],
    key: Callable[[Any, Args, Context], Hashable],
    *,
    early: bool = False,
) -> Load:
    """A field whose value is the loaded record as it is (None when not found); ``early``
    starts the load as soon as its key is known."""
    start = prefetching(loader) if early else None
    return Load(loader, key, lambda value, k, source, args, context: value, start)


def listed(records: Any, key: Any, source: Any, args: Args, context: Context) -> list[Any]:
    """A ``Load.then`` for a loaded sequence: it as a list, an empty one when none."""
    return list(records or ())


def prefetching(
    loader: Callable[[Context], KeyLoader[Any, Any] | None],
) -> Callable[[Any, Context], None]:
    """A ``Load.start`` that starts the load itself, ahead of the level's others."""

    def start(key: Any, context: Context) -> None:
        found = loader(context)
        if found is not None:
            found.prefetch(key)

    return start


def merged(fields: dict[str, dict[str, Spec]], more: dict[str, dict[str, Spec]]) -> None:
    """Add another module's specs to the graph's, type by type (a field is added once)."""
    for type_name, specs in more.items():
        known = fields.setdefault(type_name, {})
        if known.keys() & specs.keys():
            raise ValueError(f"{type_name}: fields specified twice")
        known.update(specs)

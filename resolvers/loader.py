"""A typed face for aiodataloader: one ``KeyLoader`` per (backend, key), per request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from aiodataloader import DataLoader

from adapters.errors import BackendError
from adapters.spans import span
from resolvers.errors import from_backend

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchFetch = Callable[[Sequence[K]], Awaitable[Mapping[K, V]]]


def per_key(call: Callable[[K], Awaitable[V | None]]) -> BatchFetch[K, V]:
    """A fetch for backends with no batch call: one call per key, all at once.

    A failing call fails only its own key (its exception is that key's value); the
    backend's guard bounds how many calls are in flight.
    """

    async def fetch(keys: Sequence[K]) -> Mapping[K, V]:
        results = await asyncio.gather(*(call(key) for key in keys), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # cancellation and friends are not per-key failures
        found = {key: result for key, result in zip(keys, results, strict=True)}
        return cast("Mapping[K, V]", {k: v for k, v in found.items() if v is not None})

    fetch.__name__ = batch_name(call)
    return fetch


_ANONYMOUS = frozenset({"fetch", "<lambda>"})


def batch_name(fetch: Callable[..., Any]) -> str:
    """A loader's name for its spans: the function it calls, or for a local ``fetch`` or
    lambda the function that defines it (``contact_count``); never a key or a value."""
    inner = getattr(fetch, "func", fetch)  # functools.partial
    name = str(getattr(inner, "__name__", ""))
    if name in _ANONYMOUS:
        qualified = str(getattr(inner, "__qualname__", "")).split(".")[:-1]
        enclosing = [part for part in qualified if part != "<locals>"]
        name = enclosing[-1] if enclosing else name
    return name.strip("_<>") or "batch"


class KeyLoader(Generic[K, V]):
    """Batches and caches loads of one kind of record by key, for one request.

    ``fetch`` gets every key asked for in one tick of the event loop and returns what it
    found; a missing key loads as None. An exception from ``fetch`` fails every key of
    that batch; an exception *instance* in the mapping fails only its own key. A backend
    failure reaches the caller as the public error for the field that needed it.
    ``batching=False`` fetches one key at a time (a diagnostic baseline, never faster).
    """

    def __init__(
        self,
        fetch: BatchFetch[K, V],
        *,
        max_batch_size: int | None = None,
        batching: bool = True,
    ) -> None:
        span_name = f"load {batch_name(fetch)}"

        async def batch(keys: list[K]) -> list[V | BaseException | None]:
            with span(span_name, {"casegraph.keys": len(keys)}):
                found = await fetch(keys)
            return [found.get(key) for key in keys]

        self._loader = DataLoader(
            batch_load_fn=batch, max_batch_size=max_batch_size, batch=batching
        )

    async def load(self, key: K) -> V | None:
        """The record for one key, or None when not found."""
        try:
            result = cast("V | None", await self._loader.load(key))
        except BackendError as error:
            raise from_backend(error) from error
        return result

    async def load_many(self, keys: Sequence[K]) -> list[V | None]:
        """Records for many keys, in order (one key costs no more than ``load``)."""
        if len(keys) < 2:
            return [await self.load(key) for key in keys]
        # DataLoader.load_many is asyncio.gather: a callback and a loop turn per key. The
        # keys of one batch settle together, so awaiting them in order wakes up once.
        futures = [self._loader.load(key) for key in keys]
        try:
            return [cast("V | None", await future) for future in futures]
        except BackendError as error:
            _observe(futures)
            raise from_backend(error) from error
        except BaseException:
            _observe(futures)
            raise

    def prefetch(self, key: K) -> None:
        """Start loading a key now without waiting for it; a later ``load`` shares the call.

        Should nothing ever ask for it, a failure is not reported as unretrieved.
        """
        future = self._loader.load(key)
        future.add_done_callback(_seen)

    def prime(self, key: K, value: V) -> None:
        """Remember a record fetched another way, so loading it costs nothing."""
        self._loader.prime(key, value)

    def clear(self) -> None:
        """Forget every cached load (the request is over)."""
        self._loader.clear_all()


def clear_loaders(*holders: object) -> None:
    """Clear every ``KeyLoader`` the given objects hold as attributes.

    A request's objects may sit in a reference cycle outside our control (graphql-core's
    execution context holds the request's context, and itself). Clearing the loaders when
    the request ends frees the records they cached by reference counting, rather than
    leaving them to the cycle collector.
    """
    for holder in holders:
        for value in vars(holder).values():
            if isinstance(value, KeyLoader):
                value.clear()


def _observe(futures: Sequence[asyncio.Future[Any]]) -> None:
    """Mark the other keys' failures as seen (as gather does), now or when they settle."""
    for future in futures:
        future.add_done_callback(_seen)


def _seen(future: asyncio.Future[Any]) -> None:
    """Retrieve a settled future's failure, so asyncio does not report it as unseen."""
    if not future.cancelled():
        future.exception()

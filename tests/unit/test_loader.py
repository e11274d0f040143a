"""KeyLoader's batching, ordering and failures, over an in-memory fetch (pure logic)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from adapters.errors import BackendTimeout
from resolvers.errors import ErrorCode, PublicError
from resolvers.loader import KeyLoader, batch_name, per_key

pytestmark = pytest.mark.asyncio


class Fetch:
    """Squares each key; records every batch it is asked for."""

    def __init__(self, fail: Exception | None = None, bad_keys: frozenset[int] = frozenset()):
        self.batches: list[list[int]] = []
        self.fail = fail
        self.bad_keys = bad_keys

    async def __call__(self, keys: Sequence[int]) -> Mapping[int, Any]:
        self.batches.append(list(keys))
        await asyncio.sleep(0)
        if self.fail is not None:
            raise self.fail
        return {
            key: ValueError(f"bad {key}") if key in self.bad_keys else key * key
            for key in keys
            if key >= 0
        }


async def unretrieved_errors(action: Any) -> list[dict[str, Any]]:
    """What the loop reports as never retrieved while ``action`` runs and is collected."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        await action()
        await asyncio.sleep(0)
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    return reported


async def test_many_keys_are_one_batch_in_order_with_missing_as_none() -> None:
    fetch = Fetch()
    loader: KeyLoader[int, int] = KeyLoader(fetch)
    assert await loader.load_many([3, -1, 2, 3]) == [9, None, 4, 9]
    assert fetch.batches == [[3, -1, 2]]


async def test_loads_in_the_same_tick_share_the_batch_and_the_cache() -> None:
    fetch = Fetch()
    loader: KeyLoader[int, int] = KeyLoader(fetch)
    many, one = await asyncio.gather(loader.load_many([1, 2]), loader.load(3))
    assert (many, one) == ([1, 4], 9)
    assert await loader.load_many([2, 3]) == [4, 9]
    assert fetch.batches == [[1, 2, 3]]


async def test_a_failed_batch_is_the_public_error_of_its_backend() -> None:
    loader: KeyLoader[int, int] = KeyLoader(Fetch(fail=BackendTimeout("delius")))

    async def load() -> None:
        with pytest.raises(PublicError) as raised:
            await loader.load_many([1, 2, 3])
        assert raised.value.extensions["code"] == ErrorCode.UPSTREAM_TIMEOUT.value
        assert raised.value.extensions["source"] == "delius"

    assert await unretrieved_errors(load) == []


async def test_a_failed_key_fails_the_many_load_and_leaves_the_others_loadable() -> None:
    loader: KeyLoader[int, int] = KeyLoader(Fetch(bad_keys=frozenset({2, 3})))

    async def load() -> None:
        with pytest.raises(ValueError, match="bad 2"):
            await loader.load_many([1, 2, 3])

    assert await unretrieved_errors(load) == []
    assert await loader.load(1) == 1


async def test_without_batching_each_key_is_its_own_fetch() -> None:
    fetch = Fetch()
    loader: KeyLoader[int, int] = KeyLoader(fetch, batching=False)
    assert await loader.load_many([1, 2]) == [1, 4]
    assert fetch.batches == [[1], [2]]


async def test_a_batch_is_named_by_what_it_calls_never_by_an_anonymous_helper() -> None:
    class Loaders:
        def contact_count(self) -> Any:
            async def fetch(keys: Any) -> Any:
                return {}

            return fetch

        def unpaid_work(self) -> Any:
            return lambda keys: keys

    async def managers_by_offender(keys: Any) -> Any:
        return {}

    assert batch_name(Loaders().contact_count()) == "contact_count"
    assert batch_name(Loaders().unpaid_work()) == "unpaid_work"
    assert batch_name(managers_by_offender) == "managers_by_offender"
    assert batch_name(per_key(managers_by_offender)) == "managers_by_offender"

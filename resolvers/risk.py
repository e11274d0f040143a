"""Per-request loaders for OASys, and the resolver helpers the ``Case`` fields call.

Each loader batches the CRNs a request asks for and calls OASys for them concurrently
(OASys has no batch operation; the adapter's guard caps the concurrency). A failure for
one CRN is returned in that CRN's slot, so it fails only its own field, which then shows
``extensions.code`` UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE and ``extensions.source``
"oasys" while the rest of the response arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from aiodataloader import DataLoader

from adapters.errors import BackendError
from adapters.oasys.port import OasysPort
from adapters.oasys.records import AssessmentRecord, PredictorsRecord, RoshRecord
from resolvers.errors import from_backend

T = TypeVar("T")


def _loader(read: Callable[[str], Awaitable[T | None]]) -> DataLoader[str, T | None]:
    """A loader calling ``read`` for every CRN of a batch at once, failures kept per key."""

    async def load(crns: list[str]) -> list[T | None]:
        results = await asyncio.gather(*(read(crn) for crn in crns), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # cancellation and friends are not per-key failures
        # aiodataloader rejects exactly the keys whose slot holds an Exception instance.
        return cast(list[T | None], results)

    return DataLoader(load)


class OasysLoaders:
    """The request's OASys loaders, keyed by CRN; create one per request."""

    def __init__(self, port: OasysPort) -> None:
        self.port = port
        self.rosh = _loader(port.risk_of_serious_harm)
        self.predictors = _loader(port.predictor_scores)
        self.assessments = _loader(port.assessments)


async def _load(loader: DataLoader[str, T | None], crn: str) -> T | None:
    try:
        return await loader.load(crn)
    except BackendError as error:
        raise from_backend(error) from None


async def risk_of_serious_harm(loaders: OasysLoaders, crn: str) -> RoshRecord | None:
    """The latest RoSH, or None; an OASys failure becomes a public error on the field."""
    return await _load(loaders.rosh, crn)


async def predictor_scores(loaders: OasysLoaders, crn: str) -> PredictorsRecord | None:
    """The latest predictor scores, or None; an OASys failure becomes a public error."""
    return await _load(loaders.predictors, crn)


async def assessments(loaders: OasysLoaders, crn: str) -> tuple[AssessmentRecord, ...] | None:
    """The assessments, newest first, or None; an OASys failure becomes a public error."""
    return await _load(loaders.assessments, crn)

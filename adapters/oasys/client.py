"""The OASys adapter: zeep over aiohttp (``adapters.http``), behind a guard, a short cache
and single-flight.

The WSDL is the vendored copy next to this module, loaded once (in a worker thread, since
zeep loads synchronously) and never fetched from the network; the service proxy is bound
to the configured address. zeep builds each request from the WSDL and reads faults;
successful replies are validated and read by ``adapters.oasys.replies``, which is faster.
Every call runs under ``adapters.resilience.Guard``: a per-call timeout, a concurrency
cap, a breaker, and retries for these idempotent reads inside the overall deadline. A
ServiceFault that says ``retryable=false`` is not retried.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import zeep
from lxml import etree
from zeep.proxy import AsyncServiceProxy

from adapters.errors import BackendUnavailable
from adapters.http import HttpClient
from adapters.oasys import convert
from adapters.oasys.cache import SingleFlightCache
from adapters.oasys.faults import SOURCE, OffenderNotFound, is_retryable, translate
from adapters.oasys.records import AssessmentRecord, PredictorsRecord, RoshRecord
from adapters.oasys.replies import MalformedReply, ReplyReader
from adapters.oasys.transport import HttpTransport
from adapters.resilience import CircuitBreaker, Guard, RetryPolicy

WSDL = Path(__file__).with_name("oasys-assessments.wsdl")
BINDING = "{urn:oasys:assessments:v1}OasysAssessmentSoapBinding"
CACHE_ENTRIES = 10_000
T = TypeVar("T")
Reader = Callable[[etree._Element], T | None]


class OasysClient:
    """Implements ``OasysPort`` against any server that honours the OASys WSDL."""

    def __init__(
        self,
        service: SoapService,
        http: HttpClient,
        guard: Guard,
        cache: SingleFlightCache[Any],
    ) -> None:
        self._service = service
        self._http = http
        self.guard = guard
        self.cache = cache

    @classmethod
    async def create(
        cls,
        url: str,
        *,
        timeout: float,  # noqa: ASYNC109 - a per-call budget, not this call's
        concurrency: int,
        breaker_failures: int,
        breaker_reset: float,
        cache_seconds: float,
        deadline: float,
    ) -> OasysClient:
        """Build a client for the service at ``url`` (e.g. ``settings.oasys_url``)."""
        http = HttpClient(
            timeout=timeout,
            connect_timeout=min(timeout, 2.0),
            max_connections=concurrency,
            trust_env=True,  # as before: OASys may sit behind the environment's proxy
        )
        try:
            service = await asyncio.to_thread(_service_proxy, http, url)
        except BaseException:
            await http.aclose()
            raise
        guard = Guard(
            SOURCE,
            timeout=timeout,
            concurrency=concurrency,
            breaker=CircuitBreaker(
                SOURCE, failure_threshold=breaker_failures, reset_after=breaker_reset
            ),
            retry=RetryPolicy(),
            deadline=deadline,
        )
        return cls(
            service, http, guard, SingleFlightCache(cache_seconds, max_entries=CACHE_ENTRIES)
        )

    async def risk_of_serious_harm(self, crn: str) -> RoshRecord | None:
        return await self._read("GetRiskOfSeriousHarm", crn, convert.rosh)

    async def predictor_scores(self, crn: str) -> PredictorsRecord | None:
        return await self._read("GetPredictorScores", crn, convert.predictors)

    async def assessments(self, crn: str) -> tuple[AssessmentRecord, ...] | None:
        return await self._read("GetAssessmentSummaries", crn, convert.assessments)

    async def aclose(self) -> None:
        await self._http.aclose()

    def breakers(self) -> Mapping[str, CircuitBreaker]:
        """OASys's one breaker, by source."""
        return {self.guard.source: self.guard.breaker}

    async def _read(self, operation: str, crn: str, parse: Reader[T]) -> T | None:
        async def guarded() -> T | None:
            return await self.guard.call(
                lambda: self._send(operation, crn, parse), retry_after=_no_retry_unless_retryable
            )

        result: T | None = await self.cache.get((operation, crn), guarded)
        return result

    async def _send(self, operation: str, crn: str, parse: Reader[T]) -> T | None:
        try:
            return parse(await self._service.call(operation, crn))
        except Exception as error:
            translated = translate(error)
            if isinstance(translated, OffenderNotFound):
                return None
            if translated is error:
                raise
            translated.__suppress_context__ = True  # zeep's text may echo case data
            raise translated from translated.__cause__


def _no_retry_unless_retryable(error: BackendUnavailable) -> float | None:
    """Guard hook: an infinite wait means 'do not retry'; None means the usual backoff."""
    return None if is_retryable(error) else math.inf


@dataclass(frozen=True)
class SoapService:
    """The OASys service: zeep's proxy (replies left raw), its binding, and the reader."""

    client: Any
    binding: Any
    proxy: Any
    replies: ReplyReader

    async def call(self, operation: str, crn: str) -> etree._Element:
        """The operation's response element; raises zeep's Fault for a fault."""
        reply = await getattr(self.proxy, operation)(crn=crn)
        if reply.status_code == 200:
            element = self.replies.response(reply.content, operation)
            if element is not None:
                return element
        # A fault (or a status without one): zeep reads it and raises what it says.
        self.binding.process_reply(self.client, self.binding.get(operation), reply)
        raise MalformedReply(f"HTTP {reply.status_code} without a fault")


def _service_proxy(http: HttpClient, url: str) -> SoapService:
    """Load the vendored WSDL (synchronous) and bind its SOAP binding to ``url``."""
    settings = zeep.Settings(
        strict=True, xml_huge_tree=False, forbid_entities=True, raw_response=True
    )
    client = zeep.AsyncClient(  # type: ignore[no-untyped-call]
        str(WSDL), transport=HttpTransport(http), settings=settings
    )
    binding = client.wsdl.bindings[BINDING]
    proxy = AsyncServiceProxy(client, binding, address=url)  # type: ignore[no-untyped-call]
    return SoapService(client, binding, proxy, ReplyReader(WSDL))

"""Per-request loaders for the CRC partner systems, and helpers that turn failures public.

``CrcLoaders`` batches case lookups: keys are (provider code, CRN), grouped by provider into
one batchGet per CRC, the CRCs asked concurrently. A failing CRC fails only its own keys.
The other loaders make one call per distinct key, concurrently. Loaders cache for one
request only: build a new ``CrcLoaders`` per request, inside the running event loop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Sequence
from datetime import date
from typing import Any, TypeAlias, TypeVar

from aiodataloader import DataLoader

from adapters.crc.port import CrcPort
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    UnpaidWorkRecord,
)
from adapters.errors import BackendError
from resolvers.errors import from_backend

T = TypeVar("T")
CaseKey: TypeAlias = tuple[str, str]
AppointmentsKey: TypeAlias = tuple[str, str, date | None, date | None, int]
Appointments: TypeAlias = tuple[PartnerAppointmentRecord, ...]
Interventions: TypeAlias = tuple[PartnerInterventionRecord, ...]


class CrcLoaders:
    """The CRC loaders of one request. Values are records or None; failures are raised."""

    def __init__(self, port: CrcPort) -> None:
        self.port = port
        self.cases: Any = DataLoader(batch_load_fn=self._load_cases)
        self.appointments: Any = DataLoader(batch_load_fn=self._load_appointments)
        self.interventions: Any = DataLoader(batch_load_fn=self._load_interventions)
        self.unpaid_work: Any = DataLoader(batch_load_fn=self._load_unpaid_work)

    def knows(self, provider_code: str) -> bool:
        """True when the CRC is in the registry, so asking it makes sense."""
        return self.port.knows(provider_code)

    async def _load_cases(self, keys: Sequence[CaseKey]) -> list[object]:
        by_provider: dict[str, list[str]] = defaultdict(list)
        for provider_code, crn in keys:
            by_provider[provider_code].append(crn)
        providers = list(by_provider)
        answers = await asyncio.gather(
            *(self.port.cases(code, by_provider[code]) for code in providers),
            return_exceptions=True,
        )
        results = dict(zip(providers, answers, strict=True))
        values: list[object] = []
        for provider_code, crn in keys:
            answer = results[provider_code]
            values.append(answer if isinstance(answer, BaseException) else answer.get(crn))
        return values

    async def _load_appointments(self, keys: Sequence[AppointmentsKey]) -> list[object]:
        return await _each(
            self.port.appointments(code, crn, date_from=start, date_to=end, limit=limit)
            for code, crn, start, end, limit in keys
        )

    async def _load_interventions(self, keys: Sequence[CaseKey]) -> list[object]:
        return await _each(self.port.interventions(code, crn) for code, crn in keys)

    async def _load_unpaid_work(self, keys: Sequence[CaseKey]) -> list[object]:
        return await _each(self.port.unpaid_work(code, crn) for code, crn in keys)


async def _each(calls: Iterable[Awaitable[object]]) -> list[object]:
    """Run the calls concurrently; a failure becomes that key's value, so only it fails."""
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def _public(load: Awaitable[T]) -> T:
    try:
        return await load
    except BackendError as error:
        raise from_backend(error) from None


async def partner_case(
    loaders: CrcLoaders, provider_code: str, crn: str
) -> PartnerCaseRecord | None:
    """The CRC's record of a case; None when the CRC does not hold it or is not registered."""
    if not loaders.knows(provider_code):
        return None
    record: PartnerCaseRecord | None = await _public(loaders.cases.load((provider_code, crn)))
    return record


async def partner_appointments(
    loaders: CrcLoaders,
    provider_code: str,
    crn: str,
    *,
    date_from: date | None,
    date_to: date | None,
    first: int,
) -> Appointments:
    """Up to ``first`` appointments, oldest first; empty when the case is not held."""
    key: AppointmentsKey = (provider_code, crn, date_from, date_to, first)
    records: Appointments | None = await _public(loaders.appointments.load(key))
    return records or ()


async def partner_interventions(loaders: CrcLoaders, provider_code: str, crn: str) -> Interventions:
    """All interventions; empty when the case is not held."""
    records: Interventions | None = await _public(loaders.interventions.load((provider_code, crn)))
    return records or ()


async def partner_unpaid_work(
    loaders: CrcLoaders, provider_code: str, crn: str
) -> UnpaidWorkRecord | None:
    """Unpaid work totals; None when the case is not held."""
    record: UnpaidWorkRecord | None = await _public(loaders.unpaid_work.load((provider_code, crn)))
    return record

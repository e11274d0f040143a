"""Per-request loaders for the CRC partner systems, and the helpers the partner fields call.

``CrcLoaders`` batches case lookups: keys are (provider code, CRN), grouped by provider into
one batchGet per CRC, the CRCs asked concurrently. A failing CRC fails only its own keys.
The other loaders make one call per distinct key, concurrently. Every failure reaches the
field as a public error (UPSTREAM_*, source ``crc:<code>``). Loaders cache for one request
only: build a new ``CrcLoaders`` per request, inside the running event loop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cached_property, partial
from typing import TypeAlias, cast

from adapters.crc.port import CrcPort
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    UnpaidWorkRecord,
)
from resolvers.loader import KeyLoader, per_key

CaseKey: TypeAlias = tuple[str, str]
AppointmentsKey: TypeAlias = tuple[str, str, date | None, date | None, int]
Appointments: TypeAlias = tuple[PartnerAppointmentRecord, ...]
Interventions: TypeAlias = tuple[PartnerInterventionRecord, ...]


class CrcLoaders:
    """The CRC loaders of one request. Values are records or None; failures are raised.

    Fetches take the port, never ``self``, so the loaders form no reference cycle."""

    def __init__(self, port: CrcPort) -> None:
        self.port = port

    @cached_property
    def cases(self) -> KeyLoader[CaseKey, PartnerCaseRecord]:
        """Partner case records by (provider code, CRN), one batchGet per CRC."""
        return KeyLoader(partial(_cases, self.port))

    @cached_property
    def appointments(self) -> KeyLoader[AppointmentsKey, Appointments]:
        """Partner appointments by (provider, CRN, from, to, limit)."""
        return KeyLoader(per_key(partial(_appointments, self.port)))

    @cached_property
    def interventions(self) -> KeyLoader[CaseKey, Interventions]:
        """Partner interventions by (provider code, CRN)."""
        port = self.port
        return KeyLoader(per_key(lambda key: port.interventions(*key)))

    @cached_property
    def unpaid_work(self) -> KeyLoader[CaseKey, UnpaidWorkRecord]:
        """Partner unpaid work by (provider code, CRN)."""
        port = self.port
        return KeyLoader(per_key(lambda key: port.unpaid_work(*key)))

    def knows(self, provider_code: str) -> bool:
        """True when the CRC is in the registry, so asking it makes sense."""
        return self.port.knows(provider_code)


async def _cases(port: CrcPort, keys: Sequence[CaseKey]) -> Mapping[CaseKey, PartnerCaseRecord]:
    by_provider: dict[str, list[str]] = defaultdict(list)
    for provider_code, crn in keys:
        by_provider[provider_code].append(crn)
    providers = list(by_provider)
    answers = await asyncio.gather(
        *(port.cases(code, by_provider[code]) for code in providers),
        return_exceptions=True,
    )
    found: dict[CaseKey, PartnerCaseRecord | BaseException] = {}
    for code, answer in zip(providers, answers, strict=True):
        for crn in by_provider[code]:
            value = answer if isinstance(answer, BaseException) else answer.get(crn)
            if value is not None:
                found[(code, crn)] = value  # an error fails only this CRC's keys
    return cast("Mapping[CaseKey, PartnerCaseRecord]", found)


async def _appointments(port: CrcPort, key: AppointmentsKey) -> Appointments | None:
    code, crn, start, end, limit = key
    return await port.appointments(code, crn, date_from=start, date_to=end, limit=limit)


async def partner_case(
    loaders: CrcLoaders, provider_code: str, crn: str
) -> PartnerCaseRecord | None:
    """The CRC's record of a case; None when the CRC does not hold it or is not registered."""
    if not loaders.knows(provider_code):
        return None
    return await loaders.cases.load((provider_code, crn))


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
    return await loaders.appointments.load((provider_code, crn, date_from, date_to, first)) or ()


async def partner_interventions(loaders: CrcLoaders, provider_code: str, crn: str) -> Interventions:
    """All interventions; empty when the case is not held."""
    return await loaders.interventions.load((provider_code, crn)) or ()


async def partner_unpaid_work(
    loaders: CrcLoaders, provider_code: str, crn: str
) -> UnpaidWorkRecord | None:
    """Unpaid work totals; None when the case is not held."""
    return await loaders.unpaid_work.load((provider_code, crn))

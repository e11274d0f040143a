"""``CrcClient``: the ``CrcPort`` over every CRC in the registry, one ``PartnerSystem`` each.

Batches go through ``POST /cases:batchGet`` in chunks of 100, chunks in parallel; the
appointments list follows the cursor until enough items arrive. A provider code with no
registry entry raises ``BackendUnavailable`` for that CRC: nDelius says a CRC holds the case,
but Case Graph cannot reach it. Resolvers can ask ``knows()`` first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from adapters.crc import parse
from adapters.crc.connection import CrcConnection
from adapters.crc.parse import LONDON
from adapters.crc.partner import PartnerSystem
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    UnpaidWorkRecord,
)
from adapters.errors import BackendUnavailable
from adapters.http import HttpClient
from adapters.resilience import CircuitBreaker, Guard, RetryPolicy

BATCH_SIZE = 100
PAGE_SIZE = 100


class CrcClient:
    """Reads every registered CRC partner system; implements ``CrcPort``."""

    def __init__(self, systems: Mapping[str, PartnerSystem]) -> None:
        self.systems = dict(systems)

    def __repr__(self) -> str:
        return f"CrcClient({sorted(self.systems)})"

    @classmethod
    def create(
        cls,
        connections: Sequence[CrcConnection],
        *,
        timeout: float = 3.0,
        concurrency: int = 20,
        breaker_failures: int = 5,
        breaker_reset: float = 30.0,
        deadline: float = 10.0,
        retries: int = 3,
    ) -> CrcClient:
        """One HTTP client and guard per CRC; ``timeout`` bounds each attempt and
        ``deadline`` each call including retries and Retry-After waits."""
        systems: dict[str, PartnerSystem] = {}
        for connection in connections:
            guard = Guard(
                connection.source,
                timeout=timeout,
                concurrency=concurrency,
                breaker=CircuitBreaker(
                    connection.source,
                    failure_threshold=breaker_failures,
                    reset_after=breaker_reset,
                ),
                retry=RetryPolicy(attempts=retries),
                deadline=deadline,
            )
            http = HttpClient(
                base_url=connection.base_url, timeout=timeout + 1.0, max_connections=concurrency
            )
            systems[connection.provider_code] = PartnerSystem(connection, guard, http)
        return cls(systems)

    def breakers(self) -> Mapping[str, CircuitBreaker]:
        """Each CRC's breaker, by source (``crc:<code>``)."""
        return {system.source: system.guard.breaker for system in self.systems.values()}

    def knows(self, provider_code: str) -> bool:
        """True when the registry has this provider."""
        return provider_code in self.systems

    async def cases(
        self, provider_code: str, crns: Sequence[str]
    ) -> Mapping[str, PartnerCaseRecord]:
        """The cases this CRC holds among ``crns``, by CRN."""
        system = self._system(provider_code)
        unique = list(dict.fromkeys(crns))
        chunks = [unique[i : i + BATCH_SIZE] for i in range(0, len(unique), BATCH_SIZE)]
        answers = await asyncio.gather(
            *(system.post("/cases:batchGet", parse.batch, {"crns": chunk}) for chunk in chunks)
        )
        found: dict[str, PartnerCaseRecord] = {}
        wanted = set(unique)
        for answer in answers:
            if answer is None:
                raise BackendUnavailable(system.source, f"{system.source}: batchGet not found")
            found.update((record.crn, record) for record in answer if record.crn in wanted)
        return found

    async def appointments(
        self,
        provider_code: str,
        crn: str,
        *,
        date_from: date | None,
        date_to: date | None,
        limit: int,
    ) -> tuple[PartnerAppointmentRecord, ...] | None:
        """Up to ``limit`` appointments starting from ``date_from`` to ``date_to`` inclusive."""
        system = self._system(provider_code)
        params: dict[str, str] = {}
        if date_from is not None:
            params["from"] = _midnight(date_from).isoformat()
        if date_to is not None:
            params["to"] = _midnight(date_to + timedelta(days=1)).isoformat()
        items: list[PartnerAppointmentRecord] = []
        cursor: str | None = None
        while True:
            page_params = {**params, "limit": str(min(max(limit - len(items), 1), PAGE_SIZE))}
            if cursor is not None:
                page_params["cursor"] = cursor
            page = await system.get(
                _case_path(crn, "/appointments"), parse.appointment_page, page_params
            )
            if page is None:
                return None
            records, cursor = page
            items.extend(records)
            if cursor is None or len(items) >= limit:
                return tuple(items[: max(limit, 0)])

    async def interventions(
        self, provider_code: str, crn: str
    ) -> tuple[PartnerInterventionRecord, ...] | None:
        """All interventions for the case, newest referral first."""
        system = self._system(provider_code)
        return await system.get(_case_path(crn, "/interventions"), parse.interventions)

    async def unpaid_work(self, provider_code: str, crn: str) -> UnpaidWorkRecord | None:
        """Unpaid work totals for the case."""
        system = self._system(provider_code)
        return await system.get(_case_path(crn, "/unpaid-work"), parse.unpaid_work)

    async def aclose(self) -> None:
        """Close every CRC's connections."""
        await asyncio.gather(*(system.aclose() for system in self.systems.values()))

    def _system(self, provider_code: str) -> PartnerSystem:
        system = self.systems.get(provider_code)
        if system is None:
            source = f"crc:{provider_code}"
            raise BackendUnavailable(source, f"{source}: not in the CRC registry")
        return system


def _case_path(crn: str, suffix: str = "") -> str:
    return f"/cases/{quote(crn, safe='')}{suffix}"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)

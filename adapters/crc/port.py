"""The narrow interface the resolvers use to read CRC partner systems.

Every method raises only ``adapters.errors`` classes (source ``crc:<code>``). "Not held by
this CRC" is indistinguishable from "unknown" by contract, and is None or a missing key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    UnpaidWorkRecord,
)


class CrcPort(Protocol):
    """Reads from the CRC partner systems, one provider code at a time."""

    async def cases(
        self, provider_code: str, crns: Sequence[str]
    ) -> Mapping[str, PartnerCaseRecord]:
        """The cases this CRC holds among ``crns``; a CRN it does not hold is left out."""
        ...

    async def appointments(
        self,
        provider_code: str,
        crn: str,
        *,
        date_from: date | None,
        date_to: date | None,
        limit: int,
    ) -> tuple[PartnerAppointmentRecord, ...] | None:
        """Up to ``limit`` appointments, oldest first, starting on ``date_from`` to
        ``date_to`` inclusive (Europe/London days); None when the CRC does not hold the case."""
        ...

    async def interventions(
        self, provider_code: str, crn: str
    ) -> tuple[PartnerInterventionRecord, ...] | None:
        """All interventions, newest referral first; None when the case is not held."""
        ...

    async def unpaid_work(self, provider_code: str, crn: str) -> UnpaidWorkRecord | None:
        """Unpaid work totals; None when the case is not held."""
        ...

    def knows(self, provider_code: str) -> bool:
        """True when the registry has an entry for this provider."""
        ...

    async def aclose(self) -> None:
        """Close every connection."""
        ...

"""The audit trail of one request: which CRNs it touched, and what the caller was told.

Every decision about a case (shown, written, limited, not found, out of the caller's
scope) is noted here as it is made; the API writes the trail, one row per CRN, before
the response leaves. A CRN touched twice keeps the most restrictive outcome.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What the caller got for a CRN, most open first."""

    VISIBLE = "VISIBLE"
    WRITTEN = "WRITTEN"
    LIMITED_ACCESS = "LIMITED_ACCESS"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_FOUND = "NOT_FOUND"
    FAILED = "FAILED"


_RANK = {outcome: rank for rank, outcome in enumerate(Outcome)}


class AuditTrail:
    """The CRNs one request touched."""

    def __init__(self) -> None:
        self._touched: dict[str, Outcome] = {}

    def touch(self, crn: str, outcome: Outcome) -> None:
        """Note a decision about a CRN."""
        previous = self._touched.get(crn)
        if previous is None or _RANK[outcome] > _RANK[previous]:
            self._touched[crn] = outcome

    def touched(self) -> dict[str, Outcome]:
        """Every CRN touched, with its outcome."""
        return dict(self._touched)

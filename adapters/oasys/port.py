"""The narrow port the rest of Case Graph sees of OASys."""

from __future__ import annotations

from typing import Protocol

from adapters.oasys.records import AssessmentRecord, PredictorsRecord, RoshRecord


class OasysPort(Protocol):
    """Reads from OASys by CRN.

    ``None`` means OASys has nothing for the CRN, or does not know it at all. Failures
    raise only ``adapters.errors`` classes with source ``"oasys"``.
    """

    async def risk_of_serious_harm(self, crn: str) -> RoshRecord | None:
        """The latest completed RoSH summary."""
        ...

    async def predictor_scores(self, crn: str) -> PredictorsRecord | None:
        """The latest predictor scores (OGRS3, OGP, OVP, RSR)."""
        ...

    async def assessments(self, crn: str) -> tuple[AssessmentRecord, ...] | None:
        """Completed and locked-incomplete assessments, newest first."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...

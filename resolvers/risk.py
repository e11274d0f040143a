"""Per-request loaders for OASys, and the resolver helpers the ``Case`` fields call.

OASys has no batch operation: each loader calls it once per CRN of a batch, all at once
(the adapter's guard caps the concurrency). A failure for one CRN fails only its own
field, which then shows ``extensions.code`` UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE and
``extensions.source`` "oasys" while the rest of the response arrives.
"""

from __future__ import annotations

from functools import cached_property

from adapters.oasys.port import OasysPort
from adapters.oasys.records import AssessmentRecord, PredictorsRecord, RoshRecord
from resolvers.loader import KeyLoader, per_key


class OasysLoaders:
    """The request's OASys loaders, keyed by CRN, each made on first use; create one per request."""

    def __init__(self, port: OasysPort) -> None:
        self.port = port

    @cached_property
    def rosh(self) -> KeyLoader[str, RoshRecord]:
        """The latest risk of serious harm, by CRN."""
        return KeyLoader(per_key(self.port.risk_of_serious_harm))

    @cached_property
    def predictors(self) -> KeyLoader[str, PredictorsRecord]:
        """The latest predictor scores, by CRN."""
        return KeyLoader(per_key(self.port.predictor_scores))

    @cached_property
    def assessments(self) -> KeyLoader[str, tuple[AssessmentRecord, ...]]:
        """The assessments, newest first, by CRN."""
        return KeyLoader(per_key(self.port.assessments))


async def risk_of_serious_harm(loaders: OasysLoaders, crn: str) -> RoshRecord | None:
    """The latest RoSH, or None; an OASys failure becomes a public error on the field."""
    return await loaders.rosh.load(crn)


async def predictor_scores(loaders: OasysLoaders, crn: str) -> PredictorsRecord | None:
    """The latest predictor scores, or None; an OASys failure becomes a public error."""
    return await loaders.predictors.load(crn)


async def assessments(loaders: OasysLoaders, crn: str) -> tuple[AssessmentRecord, ...] | None:
    """The assessments, newest first, or None; an OASys failure becomes a public error."""
    return await loaders.assessments.load(crn)

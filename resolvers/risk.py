"""Per-request loaders for OASys, and the resolver helpers the ``Case`` fields call.

OASys has no batch operation: each loader calls it once per CRN of a batch, all at once
(the adapter's guard caps the concurrency). A failure for one CRN fails only its own
field, which then shows ``extensions.code`` UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE and
``extensions.source`` "oasys" while the rest of the response arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def rosh_loader(loaders: OasysLoaders | None) -> KeyLoader[str, RoshRecord] | None:
    """RoSH by CRN; None when no OASys is configured (the field is then null)."""
    return None if loaders is None else loaders.rosh


def predictors_loader(loaders: OasysLoaders | None) -> KeyLoader[str, PredictorsRecord] | None:
    """Predictor scores by CRN; None when no OASys is configured (the field is then null)."""
    return None if loaders is None else loaders.predictors


def assessments_loader(
    loaders: OasysLoaders | None,
) -> KeyLoader[str, tuple[AssessmentRecord, ...]] | None:
    """Assessments by CRN; None when no OASys is configured (the field is then null)."""
    return None if loaders is None else loaders.assessments


def assessment_list(records: Iterable[AssessmentRecord] | None) -> list[AssessmentRecord]:
    """The assessments a configured OASys gives: none at all is an empty list, not null."""
    return list(records or ())


async def risk_of_serious_harm(loaders: OasysLoaders | None, crn: str) -> RoshRecord | None:
    """The latest RoSH, or None; an OASys failure becomes a public error on the field."""
    loader = rosh_loader(loaders)
    return None if loader is None else await loader.load(crn)


async def predictor_scores(loaders: OasysLoaders | None, crn: str) -> PredictorsRecord | None:
    """The latest predictor scores, or None; an OASys failure becomes a public error."""
    loader = predictors_loader(loaders)
    return None if loader is None else await loader.load(crn)


async def assessments(
    loaders: OasysLoaders | None, crn: str
) -> tuple[AssessmentRecord, ...] | None:
    """The assessments, newest first, or None; an OASys failure becomes a public error."""
    loader = assessments_loader(loaders)
    return None if loader is None else await loader.load(crn)

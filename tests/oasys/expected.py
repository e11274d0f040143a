"""What the adapter should return for a dataset entry, derived independently of the adapter."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from adapters.oasys.records import (
    AssessmentRecord,
    GroupRiskRecord,
    PredictorsRecord,
    RoshRecord,
    ScoreRecord,
)
from sandbox.oasys.dataset import OffenderRecord, TwoYear


def day(instant: datetime) -> date:
    """The London calendar day of an instant the service sends with its offset."""
    assert instant.tzinfo is not None, "OASys date-times carry an offset"
    return instant.astimezone(ZoneInfo("Europe/London")).date()


def rosh(offender: OffenderRecord) -> RoshRecord | None:
    r = offender.rosh
    if r is None:
        return None
    return RoshRecord(
        assessment_id=str(r.assessment_id),
        assessed_on=day(r.assessed_on),
        overall_level=r.overall_level,
        community=tuple(GroupRiskRecord(g, lv) for g, lv in r.community),
        custody=tuple(GroupRiskRecord(g, lv) for g, lv in r.custody),
        risk_flags=r.risk_flags,
    )


def _score(s: TwoYear | None) -> ScoreRecord | None:
    return None if s is None else ScoreRecord(float(s.one_year), float(s.two_year), s.band)


def predictors(offender: OffenderRecord) -> PredictorsRecord | None:
    p = offender.predictors
    if p is None:
        return None
    return PredictorsRecord(
        completed_date=day(p.completed),
        ogrs=_score(p.ogrs3),
        ogp=_score(p.ogp),
        ovp=_score(p.ovp),
        rsr=None if p.rsr is None else ScoreRecord(None, float(p.rsr.percentage), p.rsr.band),
    )


def assessments(offender: OffenderRecord) -> tuple[AssessmentRecord, ...] | None:
    if not offender.assessments:
        return None
    return tuple(
        AssessmentRecord(
            id=str(a.assessment_id),
            type=a.type,
            status=a.status,
            event_number=a.event_number,
            created_date=day(a.created),
            completed_date=day(a.completed),
            assessed_by=a.assessed_by,
            total_score=a.total_score,
        )
        for a in offender.assessments
    )

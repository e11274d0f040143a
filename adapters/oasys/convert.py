"""Turn zeep's parsed SOAP responses into records; zeep objects stop here.

Date-times arrive with an offset; the graph shows the Europe/London calendar date, so a
time just after midnight in London (still the previous day in UTC) lands on the right day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from adapters.oasys.records import (
    AssessmentRecord,
    GroupRiskRecord,
    PredictorsRecord,
    RoshRecord,
    ScoreRecord,
)

LONDON = ZoneInfo("Europe/London")


def london_date(value: datetime | date) -> date:
    """The Europe/London calendar date of an instant (naive values are London wall time)."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.date()
    return value.astimezone(LONDON).date()


def rosh(response: Any) -> RoshRecord | None:
    data = _field(response, "roshAssessment")
    if data is None:
        return None
    return RoshRecord(
        assessment_id=str(data.assessmentId),
        assessed_on=london_date(data.assessedOn),
        overall_level=str(data.overallRiskLevel),
        community=_groups(data.riskInCommunity),
        custody=_groups(data.riskInCustody),
        risk_flags=str(data.riskFlags),
    )


def predictors(response: Any) -> PredictorsRecord | None:
    data = _field(response, "predictors")
    if data is None:
        return None
    rsr = _field(data, "rsr")
    return PredictorsRecord(
        completed_date=london_date(data.completedDate),
        ogrs=_two_year(_field(data, "ogrs3")),
        ogp=_two_year(_field(data, "ogp")),
        ovp=_two_year(_field(data, "ovp")),
        rsr=None if rsr is None else ScoreRecord(None, _percentage(rsr.percentage), str(rsr.band)),
    )


def assessments(response: Any) -> tuple[AssessmentRecord, ...] | None:
    """Every assessment in the order OASys sent them (newest first); None when there are none."""
    items = _field(response, "assessment") or []
    if not items:
        return None
    return tuple(_assessment(item) for item in items)


def _assessment(item: Any) -> AssessmentRecord:
    completed = _field(item, "completedDate")
    event_number = _field(item, "eventNumber")
    total = _field(item, "totalScore")
    assessed_by = _field(item, "assessedBy")
    return AssessmentRecord(
        id=str(item.assessmentId),
        type=str(item.assessmentType),
        status=str(item.status),
        event_number=None if event_number is None else int(event_number),
        created_date=london_date(item.createdDate),
        completed_date=None if completed is None else london_date(completed),
        assessed_by=None if assessed_by is None else str(assessed_by),
        total_score=None if total is None else int(total),
    )


def _groups(group_list: Any) -> tuple[GroupRiskRecord, ...]:
    risks = _field(group_list, "risk") or []
    return tuple(GroupRiskRecord(str(r.group), str(r.level)) for r in risks)


def _two_year(score: Any) -> ScoreRecord | None:
    if score is None:
        return None
    return ScoreRecord(_percentage(score.oneYear), _percentage(score.twoYear), str(score.band))


def _percentage(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _field(value: Any, name: str) -> Any:
    """A child element's value, or None when the element is absent."""
    if value is None:
        return None
    return getattr(value, name, None)

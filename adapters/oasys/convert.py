"""Turn OASys's response elements (validated by ``adapters.oasys.replies``) into records;
XML stops here.

The schema has checked every value's type and every required element; a value Python
cannot read all the same (a date-time beyond its range) is a ``MalformedReply``.

Date-times arrive with an offset; the graph shows the Europe/London calendar date, so a
time just after midnight in London (still the previous day in UTC) lands on the right day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from adapters.oasys.records import (
    AssessmentRecord,
    GroupRiskRecord,
    PredictorsRecord,
    RoshRecord,
    ScoreRecord,
)
from adapters.oasys.replies import TNS, MalformedReply

LONDON = ZoneInfo("Europe/London")
Element = etree._Element


def london_date(value: datetime | date) -> date:
    """The Europe/London calendar date of an instant (naive values are London wall time)."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.date()
    return value.astimezone(LONDON).date()


def rosh(response: Element) -> RoshRecord | None:
    data = _child(response, "roshAssessment")
    if data is None:
        return None
    return RoshRecord(
        assessment_id=str(int(_text(data, "assessmentId"))),
        assessed_on=_london_day(data, "assessedOn"),
        overall_level=_text(data, "overallRiskLevel"),
        community=_groups(_child(data, "riskInCommunity")),
        custody=_groups(_child(data, "riskInCustody")),
        risk_flags=_text(data, "riskFlags"),
    )


def predictors(response: Element) -> PredictorsRecord | None:
    data = _child(response, "predictors")
    if data is None:
        return None
    rsr = _child(data, "rsr")
    return PredictorsRecord(
        completed_date=_london_day(data, "completedDate"),
        ogrs=_two_year(_child(data, "ogrs3")),
        ogp=_two_year(_child(data, "ogp")),
        ovp=_two_year(_child(data, "ovp")),
        rsr=None
        if rsr is None
        else ScoreRecord(None, float(_text(rsr, "percentage")), _text(rsr, "band")),
    )


def assessments(response: Element) -> tuple[AssessmentRecord, ...] | None:
    """Every assessment in the order OASys sent them (newest first); None when there are none."""
    items = response.findall(_name("assessment"))
    if not items:
        return None
    return tuple(_assessment(item) for item in items)


def _assessment(item: Element) -> AssessmentRecord:
    completed = _child(item, "completedDate")
    event_number = _child(item, "eventNumber")
    total = _child(item, "totalScore")
    assessed_by = _child(item, "assessedBy")
    return AssessmentRecord(
        id=str(int(_text(item, "assessmentId"))),
        type=_text(item, "assessmentType"),
        status=_text(item, "status"),
        event_number=None if event_number is None else int(_own_text(event_number)),
        created_date=_london_day(item, "createdDate"),
        completed_date=None if completed is None else london_date(_instant(completed)),
        assessed_by=None if assessed_by is None else assessed_by.text,
        total_score=None if total is None else int(_own_text(total)),
    )


def _groups(group_list: Element | None) -> tuple[GroupRiskRecord, ...]:
    if group_list is None:
        return ()
    return tuple(
        GroupRiskRecord(_text(risk, "group"), _text(risk, "level"))
        for risk in group_list.findall(_name("risk"))
    )


def _two_year(score: Element | None) -> ScoreRecord | None:
    if score is None:
        return None
    return ScoreRecord(
        float(_text(score, "oneYear")), float(_text(score, "twoYear")), _text(score, "band")
    )


def _london_day(parent: Element, name: str) -> date:
    return london_date(_instant(_required(parent, name)))


def _instant(element: Element) -> datetime:
    """An xsd:dateTime (``Z`` or an offset, or none: London wall time)."""
    try:
        return datetime.fromisoformat(_own_text(element))
    except ValueError:
        raise MalformedReply("a date-time Python cannot read") from None


def _text(parent: Element, name: str) -> str:
    return _own_text(_required(parent, name))


def _required(parent: Element, name: str) -> Element:
    child = _child(parent, name)
    if child is None:  # the schema requires it: only a reply read unvalidated lacks it
        raise MalformedReply(f"{name} is missing")
    return child


def _own_text(element: Element) -> str:
    return (element.text or "").strip()


def _child(parent: Element, name: str) -> Element | None:
    return parent.find(_name(name))


def _name(local: str) -> str:
    return f"{{{TNS}}}{local}"

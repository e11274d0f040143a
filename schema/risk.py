"""Risk and needs from OASys: RoSH, predictor scores and assessments.

Every field here is fed by the OASys SOAP service, which can be slow or down: the ``Case``
fields that return these types are nullable, so an OASys failure nulls only them.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from adapters.oasys.records import (
    AssessmentRecord,
    GroupRiskRecord,
    PredictorsRecord,
    RoshRecord,
    ScoreRecord,
)


@strawberry.enum(description="A risk of serious harm level, as OASys grades it.")
class RiskLevel(Enum):
    LOW = strawberry.enum_value("LOW", description="Low risk.")
    MEDIUM = strawberry.enum_value("MEDIUM", description="Medium risk.")
    HIGH = strawberry.enum_value("HIGH", description="High risk.")
    VERY_HIGH = strawberry.enum_value("VERY_HIGH", description="Very high risk.")


@strawberry.enum(description="Who is at risk of serious harm.")
class RiskGroup(Enum):
    CHILDREN = strawberry.enum_value("CHILDREN", description="Children.")
    PUBLIC = strawberry.enum_value("PUBLIC", description="The public.")
    KNOWN_ADULT = strawberry.enum_value("KNOWN_ADULT", description="A known adult.")
    STAFF = strawberry.enum_value("STAFF", description="Staff.")
    PRISONERS = strawberry.enum_value("PRISONERS", description="Other prisoners (only in custody).")


@strawberry.type(description="The risk of serious harm to one group.")
class GroupRisk:
    group: RiskGroup = strawberry.field(description="Who is at risk.")
    level: RiskLevel = strawberry.field(description="How high the risk is.")

    @classmethod
    def from_record(cls, record: GroupRiskRecord) -> GroupRisk:
        return cls(group=RiskGroup(record.group), level=RiskLevel(record.level))


@strawberry.type(
    description="The latest completed risk of serious harm (RoSH) summary from OASys, "
    "whatever its age: judge staleness from assessedOn."
)
class RiskOfSeriousHarm:
    assessment_id: strawberry.ID = strawberry.field(
        description="The OASys assessment the summary comes from."
    )
    assessed_on: date = strawberry.field(
        description="The day the assessment was completed (Europe/London)."
    )
    overall_risk_level: RiskLevel = strawberry.field(
        description="The highest level across the community and custody groups."
    )
    risk_in_community: list[GroupRisk] = strawberry.field(
        description="Risk per group in the community; a group not assessed is absent."
    )
    risk_in_custody: list[GroupRisk] = strawberry.field(
        description="Risk per group in custody; a group not assessed is absent."
    )
    risk_flags: str | None = strawberry.field(
        description="The legacy 9-letter RoSH string nDelius stores (L, M, H, V, or N for "
        "not assessed), in the order: children, public, known adult, staff, each "
        "community then custody, then prisoners in custody. Example: MLHMLNVLN."
    )

    @classmethod
    def from_record(cls, record: RoshRecord) -> RiskOfSeriousHarm:
        return cls(
            assessment_id=strawberry.ID(record.assessment_id),
            assessed_on=record.assessed_on,
            overall_risk_level=RiskLevel(record.overall_level),
            risk_in_community=[GroupRisk.from_record(r) for r in record.community],
            risk_in_custody=[GroupRisk.from_record(r) for r in record.custody],
            risk_flags=record.risk_flags,
        )


@strawberry.type(description="One predictor's score: percentages and the band they fall in.")
class ScoreBand:
    one_year: float | None = strawberry.field(
        description="Percentage probability within one year; null when not calculated "
        "(RSR gives only a two-year figure)."
    )
    two_years: float | None = strawberry.field(
        description="Percentage probability within two years."
    )
    band: RiskLevel | None = strawberry.field(
        description="The band of the score (RSR is never VERY_HIGH)."
    )

    @classmethod
    def from_record(cls, record: ScoreRecord) -> ScoreBand:
        return cls(
            one_year=record.one_year,
            two_years=record.two_years,
            band=band_of(record),
        )


def band_of(record: ScoreRecord) -> RiskLevel | None:
    """The band of a score; OASys leaves it empty when it gives none."""
    return RiskLevel(record.band) if record.band else None


@strawberry.type(
    description="Reconviction predictors from the latest OASys assessment that has them."
)
class PredictorScores:
    completed_date: date = strawberry.field(
        description="The day that assessment was completed (Europe/London)."
    )
    ogrs: ScoreBand | None = strawberry.field(
        description="OGRS3: proven reoffending within one and two years."
    )
    ogp: ScoreBand | None = strawberry.field(
        description="OASys General reoffending Predictor; null when not calculated (Layer 1)."
    )
    ovp: ScoreBand | None = strawberry.field(
        description="OASys Violence Predictor; null when not calculated (Layer 1)."
    )
    rsr: ScoreBand | None = strawberry.field(
        description="Risk of Serious Recidivism: two-year probability of a serious further offence."
    )

    @classmethod
    def from_record(cls, record: PredictorsRecord) -> PredictorScores:
        return cls(
            completed_date=record.completed_date,
            ogrs=_score(record.ogrs),
            ogp=_score(record.ogp),
            ovp=_score(record.ovp),
            rsr=_score(record.rsr),
        )


@strawberry.type(description="One completed or locked-incomplete OASys assessment.")
class Assessment:
    id: strawberry.ID = strawberry.field(description="The OASys assessment id.")
    type: str = strawberry.field(description="LAYER1, LAYER3 or STANDALONE.")
    status: str = strawberry.field(description="COMPLETE or LOCKED_INCOMPLETE.")
    event_number: int | None = strawberry.field(
        description="The nDelius event the assessment was done for; null for standalone ones."
    )
    created_date: date = strawberry.field(
        description="The day the assessment was started (Europe/London)."
    )
    completed_date: date | None = strawberry.field(
        description="The day it was signed and locked, or locked while incomplete."
    )
    assessed_by: str | None = strawberry.field(description="The assessor's display name.")
    total_score: int | None = strawberry.field(
        description="The total of the section scores, when OASys gives one."
    )

    @classmethod
    def from_record(cls, record: AssessmentRecord) -> Assessment:
        return cls(
            id=strawberry.ID(record.id),
            type=record.type,
            status=record.status,
            event_number=record.event_number,
            created_date=record.created_date,
            completed_date=record.completed_date,
            assessed_by=record.assessed_by,
            total_score=record.total_score,
        )


def _score(record: ScoreRecord | None) -> ScoreBand | None:
    return None if record is None else ScoreBand.from_record(record)

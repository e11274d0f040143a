"""What the OASys adapter returns: frozen records, never zeep objects.

Levels, groups, bands, types and statuses are the WSDL's enumeration strings. Dates are
the Europe/London calendar date of the service's offset date-times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class GroupRiskRecord:
    """The risk of serious harm to one group (CHILDREN, PUBLIC, ...)."""

    group: str
    level: str


@dataclass(frozen=True, slots=True)
class RoshRecord:
    """The latest completed risk of serious harm (RoSH) summary."""

    assessment_id: str
    assessed_on: date
    overall_level: str
    community: tuple[GroupRiskRecord, ...]
    custody: tuple[GroupRiskRecord, ...]
    risk_flags: str


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """One predictor: 1- and 2-year percentages and a band (RSR has only a 2-year figure)."""

    one_year: float | None
    two_years: float | None
    band: str | None


@dataclass(frozen=True, slots=True)
class PredictorsRecord:
    """The reconviction predictors of the latest assessment that has them."""

    completed_date: date
    ogrs: ScoreRecord | None
    ogp: ScoreRecord | None
    ovp: ScoreRecord | None
    rsr: ScoreRecord | None


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    """One completed or locked-incomplete OASys assessment."""

    id: str
    type: str
    status: str
    event_number: int | None
    created_date: date
    completed_date: date | None
    assessed_by: str | None
    total_score: int | None

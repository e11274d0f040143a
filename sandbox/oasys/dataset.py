"""What the stand-in OASys knows: assessments, RoSH and predictors derived from nDelius facts.

``build_dataset`` is pure and deterministic for a seed: each CRN draws from its own
random stream, so adding a case never changes another case's data. The rules mirror
how OASys and nDelius agree in real life: assessments exist only for sentenced events,
the RoSH level matches the active RoSH registration, and ``riskFlags`` spells the group
levels in nDelius's fixed order.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
LEVELS = ("LOW", "MEDIUM", "HIGH", "VERY_HIGH")
LEVEL_LETTER = {"LOW": "L", "MEDIUM": "M", "HIGH": "H", "VERY_HIGH": "V"}
ROSH_REGISTRATIONS = {"RLRH": "LOW", "RMRH": "MEDIUM", "RHRH": "HIGH", "RVHR": "VERY_HIGH"}
COMMUNITY_GROUPS = ("CHILDREN", "PUBLIC", "KNOWN_ADULT", "STAFF")
CUSTODY_GROUPS = ("CHILDREN", "PUBLIC", "KNOWN_ADULT", "STAFF", "PRISONERS")
# nDelius RISK_FLAGS order: (group, in custody?)
FLAG_ORDER = (
    ("CHILDREN", False),
    ("CHILDREN", True),
    ("PUBLIC", False),
    ("PUBLIC", True),
    ("KNOWN_ADULT", False),
    ("KNOWN_ADULT", True),
    ("STAFF", False),
    ("STAFF", True),
    ("PRISONERS", True),
)
SECTIONS = (
    (2, "OFFENDING_INFORMATION"),
    (3, "ACCOMMODATION"),
    (4, "EDUCATION_TRAINING_EMPLOYABILITY"),
    (5, "FINANCIAL_MANAGEMENT"),
    (6, "RELATIONSHIPS"),
    (7, "LIFESTYLE_ASSOCIATES"),
    (8, "DRUG_MISUSE"),
    (9, "ALCOHOL_MISUSE"),
    (10, "EMOTIONAL_WELLBEING"),
    (11, "THINKING_BEHAVIOUR"),
    (12, "ATTITUDES"),
)
ASSESSORS = ("Jane Okafor", "Tom Hughes", "Priya Shah", "Gareth Evans", "Aisha Bello", "Liam Byrne")
# Lower bounds of each band (on the 2-year percentage), LOW first.
BAND_FLOORS = {
    "ogrs3": (Decimal(0), Decimal(50), Decimal(75), Decimal(90)),
    "ogp": (Decimal(0), Decimal(34), Decimal(67), Decimal(85)),
    "ovp": (Decimal(0), Decimal(30), Decimal(60), Decimal(80)),
    "rsr": (Decimal(0), Decimal(3), Decimal("6.9")),
}


@dataclass(frozen=True, slots=True)
class SentencedEvent:
    """An nDelius event with a sentence (disposal): OASys assesses for these only."""

    number: int
    sentence_date: date


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What OASys would know about a person from nDelius."""

    crn: str
    limited_access: bool
    sentenced_events: tuple[SentencedEvent, ...] = ()
    rosh_registration: str | None = None  # RLRH, RMRH, RHRH, RVHR or None


@dataclass(frozen=True, slots=True)
class SectionScore:
    number: int
    section: str
    score: int


@dataclass(frozen=True, slots=True)
class Assessment:
    """One COMPLETE or LOCKED_INCOMPLETE assessment; times are aware (UTC)."""

    assessment_id: int
    type: str
    status: str
    event_number: int | None
    created: datetime
    completed: datetime
    assessed_by: str
    total_score: int | None
    sections: tuple[SectionScore, ...]


@dataclass(frozen=True, slots=True)
class Rosh:
    assessment_id: int
    assessed_on: datetime
    overall_level: str
    community: tuple[tuple[str, str], ...]  # (group, level), in CommunityGroups order
    custody: tuple[tuple[str, str], ...]
    risk_flags: str


@dataclass(frozen=True, slots=True)
class TwoYear:
    one_year: Decimal
    two_year: Decimal
    band: str


@dataclass(frozen=True, slots=True)
class Rsr:
    percentage: Decimal
    band: str


@dataclass(frozen=True, slots=True)
class Predictors:
    assessment_id: int
    completed: datetime
    ogrs3: TwoYear | None
    ogp: TwoYear | None
    ovp: TwoYear | None
    rsr: Rsr | None


@dataclass(frozen=True, slots=True)
class OffenderRecord:
    """Everything the service answers for one CRN; empty tuples/None when it has nothing."""

    crn: str
    limited_access: bool
    assessments: tuple[Assessment, ...] = ()  # newest completed first
    rosh: Rosh | None = None
    predictors: Predictors | None = None


@dataclass(frozen=True, slots=True)
class OasysDataset:
    """The service's whole knowledge, by CRN. A CRN absent here is unknown to OASys."""

    offenders: Mapping[str, OffenderRecord] = field(default_factory=dict)

    def get(self, crn: str) -> OffenderRecord | None:
        return self.offenders.get(crn)


def band_for(predictor: str, percentage: Decimal) -> str:
    """The band a 2-year percentage falls in (RSR has no VERY_HIGH band)."""
    floors = BAND_FLOORS[predictor]
    band = LEVELS[0]
    for level, floor in zip(LEVELS, floors, strict=False):
        if percentage >= floor:
            band = level
    return band


def risk_flags(community: Mapping[str, str], custody: Mapping[str, str]) -> str:
    """The 9-letter legacy string: one letter per (group, setting), N when not assessed."""
    letters = []
    for group, in_custody in FLAG_ORDER:
        level = (custody if in_custody else community).get(group)
        letters.append(LEVEL_LETTER[level] if level else "N")
    return "".join(letters)


def build_dataset(facts: Iterable[CaseFacts], seed: int) -> OasysDataset:
    """Derive the service's data from nDelius facts, deterministically for ``seed``."""
    offenders: dict[str, OffenderRecord] = {}
    for fact in facts:
        offenders[fact.crn] = _offender(fact, random.Random(f"{seed}:{fact.crn}"))
    return OasysDataset(offenders)


def _offender(fact: CaseFacts, rng: random.Random) -> OffenderRecord:
    if not fact.sentenced_events:
        return OffenderRecord(fact.crn, fact.limited_access)
    assessments = _assessments(fact, rng)
    latest = next((a for a in assessments if a.status == "COMPLETE"), None)
    if latest is None:
        return OffenderRecord(fact.crn, fact.limited_access, assessments)
    return OffenderRecord(
        crn=fact.crn,
        limited_access=fact.limited_access,
        assessments=assessments,
        rosh=_rosh(latest, fact.rosh_registration, rng),
        predictors=_predictors(latest, rng),
    )


def _assessments(fact: CaseFacts, rng: random.Random) -> tuple[Assessment, ...]:
    found: list[Assessment] = []
    for event in sorted(fact.sentenced_events, key=lambda e: e.sentence_date):
        for index in range(rng.choice((1, 1, 2))):
            created_day = event.sentence_date + timedelta(days=rng.randint(-21, 5) + 120 * index)
            created = _utc(created_day, rng)
            completed = _utc(created_day + timedelta(days=rng.randint(0, 14)), rng)
            completed = max(completed, created + timedelta(minutes=30))
            kind = "LAYER3" if rng.random() < 0.75 else "LAYER1"
            sections = _sections(rng) if kind == "LAYER3" else ()
            found.append(
                Assessment(
                    assessment_id=rng.randint(10_000_000, 99_999_999),
                    type=kind,
                    status="LOCKED_INCOMPLETE" if rng.random() < 0.15 else "COMPLETE",
                    event_number=event.number,
                    created=created,
                    completed=completed,
                    assessed_by=rng.choice(ASSESSORS),
                    total_score=sum(s.score for s in sections) if sections else None,
                    sections=sections,
                )
            )
    found.sort(key=lambda a: a.completed, reverse=True)
    if all(a.status != "COMPLETE" for a in found):
        found[0] = dataclasses.replace(found[0], status="COMPLETE")
    return tuple(found)


def _utc(day: date, rng: random.Random) -> datetime:
    """A London wall-clock time on ``day`` (early hours included), expressed in UTC."""
    wall = time(rng.choice((0, 8, 9, 10, 11, 13, 14, 15, 16, 23)), rng.choice((5, 15, 30, 45)))
    return datetime.combine(day, wall, tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


def _sections(rng: random.Random) -> tuple[SectionScore, ...]:
    return tuple(SectionScore(n, name, rng.randint(0, 8)) for n, name in SECTIONS)


def _rosh(assessment: Assessment, registration: str | None, rng: random.Random) -> Rosh:
    overall = ROSH_REGISTRATIONS.get(registration or "") or rng.choice(("LOW", "MEDIUM"))
    ceiling = LEVELS.index(overall)
    community = {g: LEVELS[rng.randint(0, ceiling)] for g in COMMUNITY_GROUPS if rng.random() < 0.8}
    custody = {g: LEVELS[rng.randint(0, ceiling)] for g in CUSTODY_GROUPS if rng.random() < 0.6}
    community["PUBLIC"] = overall  # the group that drives the overall level
    return Rosh(
        assessment_id=assessment.assessment_id,
        assessed_on=assessment.completed,
        overall_level=overall,
        community=tuple((g, community[g]) for g in COMMUNITY_GROUPS if g in community),
        custody=tuple((g, custody[g]) for g in CUSTODY_GROUPS if g in custody),
        risk_flags=risk_flags(community, custody),
    )


def _predictors(assessment: Assessment, rng: random.Random) -> Predictors:
    layer3 = assessment.type == "LAYER3"
    return Predictors(
        assessment_id=assessment.assessment_id,
        completed=assessment.completed,
        ogrs3=_two_year("ogrs3", rng),
        ogp=_two_year("ogp", rng) if layer3 else None,
        ovp=_two_year("ovp", rng) if layer3 else None,
        rsr=_rsr(rng) if rng.random() < 0.9 else None,
    )


def _two_year(predictor: str, rng: random.Random) -> TwoYear:
    two = Decimal(rng.randint(100, 9800)) / 100
    one = (two * Decimal(rng.randint(55, 80)) / 100).quantize(Decimal("0.01"))
    return TwoYear(one, two, band_for(predictor, two))


def _rsr(rng: random.Random) -> Rsr:
    percentage = Decimal(rng.randint(10, 1500)) / 100
    return Rsr(percentage, band_for("rsr", percentage))

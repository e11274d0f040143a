"""The stand-in's data follows the rules OASys and nDelius agree on (pure logic)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sandbox.oasys.dataset import (
    COMMUNITY_GROUPS,
    CUSTODY_GROUPS,
    LEVEL_LETTER,
    LEVELS,
    ROSH_REGISTRATIONS,
    CaseFacts,
    OasysDataset,
    SentencedEvent,
    band_for,
    build_dataset,
    risk_flags,
)
from tests.oasys.conftest import SEED, case_facts


@pytest.fixture(scope="module")
def facts() -> list[CaseFacts]:
    return case_facts(300)


@pytest.fixture(scope="module")
def built(facts: list[CaseFacts]) -> OasysDataset:
    return build_dataset(facts, SEED)


def test_deterministic_for_a_seed(facts: list[CaseFacts], built: OasysDataset) -> None:
    assert build_dataset(facts, SEED) == built
    assert build_dataset(facts, SEED + 1) != built
    # Each CRN has its own stream: the order and the other cases do not matter.
    assert build_dataset(reversed(facts[:10]), SEED).offenders == {
        f.crn: built.offenders[f.crn] for f in facts[:10]
    }


def test_every_fact_is_known_and_nothing_else(facts: list[CaseFacts], built: OasysDataset) -> None:
    assert set(built.offenders) == {f.crn for f in facts}
    assert built.get("Z000000") is None
    for fact in facts:
        assert built.offenders[fact.crn].limited_access == fact.limited_access


def test_assessments_only_for_sentenced_events(facts: list[CaseFacts], built: OasysDataset) -> None:
    for fact in facts:
        offender = built.offenders[fact.crn]
        numbers = {e.number for e in fact.sentenced_events}
        if not numbers:
            assert (offender.assessments, offender.rosh, offender.predictors) == ((), None, None)
            continue
        assert offender.assessments
        assert all(a.event_number in numbers for a in offender.assessments)
        completed = [a.completed for a in offender.assessments]
        assert completed == sorted(completed, reverse=True)
        assert {a.status for a in offender.assessments} <= {"COMPLETE", "LOCKED_INCOMPLETE"}
        assert all(a.completed.utcoffset() is not None for a in offender.assessments)
        assert all(a.created <= a.completed for a in offender.assessments)


def test_rosh_matches_the_registration_and_the_groups(
    facts: list[CaseFacts], built: OasysDataset
) -> None:
    checked = 0
    for fact in facts:
        offender = built.offenders[fact.crn]
        rosh = offender.rosh
        if rosh is None:
            continue
        checked += 1
        latest_complete = next(a for a in offender.assessments if a.status == "COMPLETE")
        assert rosh.assessment_id == latest_complete.assessment_id
        if fact.rosh_registration:
            assert rosh.overall_level == ROSH_REGISTRATIONS[fact.rosh_registration]
        levels = [lv for _, lv in rosh.community + rosh.custody]
        assert max(levels, key=LEVELS.index) == rosh.overall_level
        assert [g for g, _ in rosh.community] == [
            g for g in COMMUNITY_GROUPS if g in dict(rosh.community)
        ]
        assert [g for g, _ in rosh.custody] == [
            g for g in CUSTODY_GROUPS if g in dict(rosh.custody)
        ]
        assert "PRISONERS" not in dict(rosh.community)
        assert rosh.risk_flags == risk_flags(dict(rosh.community), dict(rosh.custody))
    assert checked > 100


def test_risk_flags_spell_the_groups_in_ndelius_order() -> None:
    community = {"CHILDREN": "MEDIUM", "PUBLIC": "HIGH", "KNOWN_ADULT": "LOW", "STAFF": "VERY_HIGH"}
    custody = {"CHILDREN": "LOW", "PUBLIC": "MEDIUM", "STAFF": "LOW"}
    assert risk_flags(community, custody) == "MLHMLNVLN"
    assert risk_flags({}, {}) == "NNNNNNNNN"
    assert set(LEVEL_LETTER.values()) == {"L", "M", "H", "V"}


def test_predictors_are_consistent(built: OasysDataset) -> None:
    for offender in built.offenders.values():
        p = offender.predictors
        if p is None:
            continue
        source = next(a for a in offender.assessments if a.assessment_id == p.assessment_id)
        assert source.status == "COMPLETE"
        assert p.completed == source.completed
        assert p.ogrs3 is not None
        if source.type == "LAYER1":
            assert p.ogp is None
            assert p.ovp is None
        for name, score in (("ogrs3", p.ogrs3), ("ogp", p.ogp), ("ovp", p.ovp)):
            if score is not None:
                assert 0 <= score.one_year <= score.two_year <= 100
                assert score.band == band_for(name, score.two_year)
        if p.rsr is not None:
            assert p.rsr.band != "VERY_HIGH"
            assert p.rsr.band == band_for("rsr", p.rsr.percentage)


@pytest.mark.parametrize(
    ("predictor", "percentage", "band"),
    [
        ("ogrs3", "49.99", "LOW"),
        ("ogrs3", "50", "MEDIUM"),
        ("ogrs3", "90", "VERY_HIGH"),
        ("rsr", "2.99", "LOW"),
        ("rsr", "6.9", "HIGH"),
        ("rsr", "99", "HIGH"),
    ],
)
def test_bands(predictor: str, percentage: str, band: str) -> None:
    assert band_for(predictor, Decimal(percentage)) == band


def test_a_case_without_a_sentence_has_nothing() -> None:
    built = build_dataset(
        [
            CaseFacts("A000001", True),
            CaseFacts("A000002", False, (SentencedEvent(4, date(2025, 2, 3)),), "RVHR"),
        ],
        1,
    )
    assert built.offenders["A000001"].assessments == ()
    rosh = built.offenders["A000002"].rosh
    assert rosh is not None
    assert rosh.overall_level == "VERY_HIGH"
    assert {a.event_number for a in built.offenders["A000002"].assessments} == {4}

"""The OASys fields in plans: a case's RoSH, predictor scores and assessments.

Each is one batched load by CRN per level, started as soon as the case has passed the
access check, ahead of the level's nDelius reads; OASys answers for different cases are
asked at once. The rules (null without OASys, an empty list when OASys has no assessments) are
``resolvers.risk``'s; the sources are OASys records (``adapters.oasys.records``).
"""

from __future__ import annotations

from typing import Any

from adapters.oasys.records import GroupRiskRecord, RoshRecord
from executor.attributes import attributes_of
from executor.specs import Args, Load, Spec, Sync, loaded, prefetching
from resolvers import risk
from resolvers.context import Context
from resolvers.field_rules import visible_record
from resolvers.policy import CaseView
from schema.risk import (
    Assessment,
    GroupRisk,
    PredictorScores,
    RiskGroup,
    RiskLevel,
    RiskOfSeriousHarm,
    ScoreBand,
    band_of,
)


def _assessments_loader(context: Context) -> Any:
    return risk.assessments_loader(context.oasys)


def _crn(view: CaseView, args: Args, context: Context) -> str:
    return visible_record(view).crn


def _assessments(records: Any, key: Any, view: Any, args: Args, context: Context) -> Any:
    return risk.assessment_list(records)


def _overall(record: RoshRecord, args: Args, context: Context) -> RiskLevel:
    return RiskLevel(record.overall_level)


def _level(record: GroupRiskRecord, args: Args, context: Context) -> RiskLevel:
    return RiskLevel(record.level)


def _group(record: GroupRiskRecord, args: Args, context: Context) -> RiskGroup:
    return RiskGroup(record.group)


RISK_FIELDS: dict[str, dict[str, Spec]] = {
    "Case": {
        "riskOfSeriousHarm": loaded(lambda c: risk.rosh_loader(c.oasys), _crn, early=True),
        "predictorScores": loaded(lambda c: risk.predictors_loader(c.oasys), _crn, early=True),
        "assessments": Load(
            _assessments_loader, _crn, _assessments, prefetching(_assessments_loader)
        ),
    },
    "RiskOfSeriousHarm": attributes_of(
        RiskOfSeriousHarm,
        overallRiskLevel=Sync(_overall),
        riskInCommunity=Sync(lambda r, a, c: r.community, safe=True),
        riskInCustody=Sync(lambda r, a, c: r.custody, safe=True),
    ),
    "GroupRisk": attributes_of(GroupRisk, group=Sync(_group), level=Sync(_level)),
    "PredictorScores": attributes_of(PredictorScores),
    "ScoreBand": attributes_of(ScoreBand, band=Sync(lambda r, a, c: band_of(r))),
    "Assessment": attributes_of(Assessment),
}
"""The OASys part of the graph, merged into ``executor.graph.FIELDS``."""

"""The OASys and partner types in plans: every field is covered, and each plain field the
planner reads by name (``attributes_of``) is an attribute of the record it reads it from."""

from __future__ import annotations

import dataclasses

import pytest
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from adapters.crc import records as crc
from adapters.oasys import records as oasys
from executor.graph import FIELDS
from executor.specs import Sync
from resolvers.partner import PartnerTeamRecord
from schema.partner import (
    PartnerAppointment,
    PartnerCase,
    PartnerIntervention,
    PartnerPractitioner,
    PartnerTeam,
    UnpaidWork,
)
from schema.risk import Assessment, GroupRisk, PredictorScores, RiskOfSeriousHarm, ScoreBand

RECORD_OF_TYPE: dict[type, tuple[str, ...]] = {
    RiskOfSeriousHarm: tuple(f.name for f in dataclasses.fields(oasys.RoshRecord)),
    GroupRisk: tuple(f.name for f in dataclasses.fields(oasys.GroupRiskRecord)),
    PredictorScores: tuple(f.name for f in dataclasses.fields(oasys.PredictorsRecord)),
    ScoreBand: tuple(f.name for f in dataclasses.fields(oasys.ScoreRecord)),
    Assessment: tuple(f.name for f in dataclasses.fields(oasys.AssessmentRecord)),
    PartnerCase: tuple(f.name for f in dataclasses.fields(crc.PartnerCaseRecord)),
    PartnerPractitioner: tuple(f.name for f in dataclasses.fields(crc.PractitionerRecord)),
    PartnerTeam: PartnerTeamRecord._fields,
    PartnerAppointment: tuple(f.name for f in dataclasses.fields(crc.PartnerAppointmentRecord)),
    PartnerIntervention: tuple(f.name for f in dataclasses.fields(crc.PartnerInterventionRecord)),
    UnpaidWork: tuple(f.name for f in dataclasses.fields(crc.UnpaidWorkRecord)),
}


@pytest.mark.parametrize("strawberry_type", list(RECORD_OF_TYPE), ids=lambda t: t.__name__)
def test_every_field_is_planned_and_plain_ones_are_record_attributes(
    strawberry_type: type,
) -> None:
    definition = strawberry_type.__strawberry_definition__  # type: ignore[attr-defined]
    public = [f for f in definition.fields if not is_private(f.type)]
    planned = FIELDS[strawberry_type.__name__]
    assert {f.graphql_name or to_camel_case(f.python_name) for f in public} == set(planned)
    for field in public:
        spec = planned[field.graphql_name or to_camel_case(field.python_name)]
        reads_by_name = isinstance(spec, Sync) and spec.get.__qualname__.startswith("attribute")
        if reads_by_name:
            assert field.python_name in RECORD_OF_TYPE[strawberry_type], field.python_name


def test_the_case_fields_of_oasys_and_the_crcs_are_planned() -> None:
    case = FIELDS["Case"]
    assert {"riskOfSeriousHarm", "predictorScores", "assessments", "partner"} <= set(case)

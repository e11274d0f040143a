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
from schema import partner, risk


def _names(record: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(record))


RECORD_OF_TYPE: dict[type, tuple[str, ...]] = {
    risk.RiskOfSeriousHarm: _names(oasys.RoshRecord),
    risk.GroupRisk: _names(oasys.GroupRiskRecord),
    risk.PredictorScores: _names(oasys.PredictorsRecord),
    risk.ScoreBand: _names(oasys.ScoreRecord),
    risk.Assessment: _names(oasys.AssessmentRecord),
    partner.PartnerCase: _names(crc.PartnerCaseRecord),
    partner.PartnerPractitioner: _names(crc.PractitionerRecord),
    partner.PartnerTeam: PartnerTeamRecord._fields,
    partner.PartnerAppointment: _names(crc.PartnerAppointmentRecord),
    partner.PartnerIntervention: _names(crc.PartnerInterventionRecord),
    partner.UnpaidWork: _names(crc.UnpaidWorkRecord),
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

"""The risk graph types: names from the schema sketch, descriptions everywhere, from_record."""

from __future__ import annotations

from datetime import date

import strawberry

from adapters.oasys.records import (
    AssessmentRecord,
    GroupRiskRecord,
    PredictorsRecord,
    RoshRecord,
    ScoreRecord,
)
from schema.risk import Assessment, PredictorScores, RiskOfSeriousHarm

ROSH = RoshRecord(
    "123",
    date(2026, 6, 30),
    "HIGH",
    (GroupRiskRecord("PUBLIC", "HIGH"), GroupRiskRecord("CHILDREN", "LOW")),
    (GroupRiskRecord("PRISONERS", "MEDIUM"),),
    "LNHNNNNNM",
)
PREDICTORS = PredictorsRecord(
    date(2026, 6, 30),
    ScoreRecord(12.5, 20.0, "LOW"),
    None,
    ScoreRecord(30.25, 45.5, "MEDIUM"),
    ScoreRecord(None, 4.1, "MEDIUM"),
)
ASSESSMENT = AssessmentRecord("9", "LAYER3", "COMPLETE", 2, date(2026, 6, 1), None, "Jo Bloggs", 31)


@strawberry.type(description="Test root.")
class Query:
    @strawberry.field(description="A RoSH.")
    def rosh(self) -> RiskOfSeriousHarm:
        return RiskOfSeriousHarm.from_record(ROSH)

    @strawberry.field(description="Predictors.")
    def predictors(self) -> PredictorScores:
        return PredictorScores.from_record(PREDICTORS)

    @strawberry.field(description="Assessments.")
    def assessments(self) -> list[Assessment]:
        return [Assessment.from_record(ASSESSMENT)]


SCHEMA = strawberry.Schema(query=Query)
SKETCH = """
enum RiskLevel { LOW MEDIUM HIGH VERY_HIGH }
enum RiskGroup { CHILDREN PUBLIC KNOWN_ADULT STAFF PRISONERS }
type GroupRisk { group: RiskGroup! level: RiskLevel! }
type RiskOfSeriousHarm { assessmentId: ID! assessedOn: Date! overallRiskLevel: RiskLevel!
  riskInCommunity: [GroupRisk!]! riskInCustody: [GroupRisk!]! }
type ScoreBand { oneYear: Float twoYears: Float band: RiskLevel }
type PredictorScores { completedDate: Date! ogrs: ScoreBand ogp: ScoreBand ovp: ScoreBand
  rsr: ScoreBand }
type Assessment { id: ID! type: String! status: String! eventNumber: Int createdDate: Date!
  completedDate: Date assessedBy: String totalScore: Int }
"""


def test_types_carry_the_sketch_fields_with_descriptions() -> None:
    from graphql import GraphQLEnumType, GraphQLObjectType, build_schema

    sketch = build_schema("scalar Date\n" + SKETCH + "type Query { x: Int }")
    ours = SCHEMA._schema
    for name in ("RiskLevel", "RiskGroup", "GroupRisk", "RiskOfSeriousHarm", "ScoreBand"):
        assert ours.type_map[name].description, name
    for name in ("PredictorScores", "Assessment"):
        assert ours.type_map[name].description, name
    for name, wanted in sketch.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(wanted, GraphQLObjectType) and name != "Query":
            got = ours.type_map[name]
            assert isinstance(got, GraphQLObjectType)
            for field_name, field in wanted.fields.items():
                assert str(got.fields[field_name].type) == str(field.type), (name, field_name)
                assert got.fields[field_name].description, (name, field_name)
        if isinstance(wanted, GraphQLEnumType):
            got_enum = ours.type_map[name]
            assert isinstance(got_enum, GraphQLEnumType)
            assert set(got_enum.values) == set(wanted.values)
            assert all(v.description for v in got_enum.values.values())
    rosh = ours.type_map["RiskOfSeriousHarm"]
    assert isinstance(rosh, GraphQLObjectType)
    assert str(rosh.fields["riskFlags"].type) == "String"


def test_records_resolve_through_the_graph() -> None:
    result = SCHEMA.execute_sync(
        """{ rosh { assessmentId assessedOn overallRiskLevel riskFlags
                    riskInCommunity { group level } riskInCustody { group level } }
             predictors { completedDate ogrs { oneYear twoYears band } ogp { band }
                          rsr { oneYear twoYears band } }
             assessments { id type status eventNumber createdDate completedDate
                           assessedBy totalScore } }"""
    )
    assert result.errors is None
    assert result.data == {
        "rosh": {
            "assessmentId": "123",
            "assessedOn": "2026-06-30",
            "overallRiskLevel": "HIGH",
            "riskFlags": "LNHNNNNNM",
            "riskInCommunity": [
                {"group": "PUBLIC", "level": "HIGH"},
                {"group": "CHILDREN", "level": "LOW"},
            ],
            "riskInCustody": [{"group": "PRISONERS", "level": "MEDIUM"}],
        },
        "predictors": {
            "completedDate": "2026-06-30",
            "ogrs": {"oneYear": 12.5, "twoYears": 20.0, "band": "LOW"},
            "ogp": None,
            "rsr": {"oneYear": None, "twoYears": 4.1, "band": "MEDIUM"},
        },
        "assessments": [
            {
                "id": "9",
                "type": "LAYER3",
                "status": "COMPLETE",
                "eventNumber": 2,
                "createdDate": "2026-06-01",
                "completedDate": None,
                "assessedBy": "Jo Bloggs",
                "totalScore": 31,
            }
        ],
    }

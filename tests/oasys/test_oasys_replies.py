"""Reading OASys replies: only a response the contract describes is read; a fault is left
to zeep; anything else is refused (pure logic, over literal replies)."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from adapters.errors import BackendUnavailable
from adapters.oasys import convert
from adapters.oasys.client import WSDL
from adapters.oasys.faults import translate
from adapters.oasys.records import GroupRiskRecord, ScoreRecord
from adapters.oasys.replies import MalformedReply, ReplyReader

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:o="urn:oasys:assessments:v1"><soap:Body>{}</soap:Body></soap:Envelope>'
)
PREDICTORS = (
    "<o:GetPredictorScoresResponse><o:crn>A123456</o:crn>"
    "<o:limitedAccessOffender>false</o:limitedAccessOffender><o:predictors>"
    "<o:assessmentId>0041682141</o:assessmentId>"
    "<o:completedDate>2025-03-29T23:30:00Z</o:completedDate>"
    "<o:ogrs3><o:oneYear>45.20</o:oneYear><o:twoYear>59.48</o:twoYear><o:band>MEDIUM</o:band>"
    "</o:ogrs3><o:rsr><o:percentage>8.12</o:percentage><o:band>HIGH</o:band></o:rsr>"
    "</o:predictors></o:GetPredictorScoresResponse>"
)
ROSH = (
    "<o:GetRiskOfSeriousHarmResponse>\n  <o:crn>A123456</o:crn>\n"
    "  <o:limitedAccessOffender>false</o:limitedAccessOffender>\n  <o:roshAssessment>"
    "<o:assessmentId>7</o:assessmentId><o:assessedOn>2025-06-30T23:15:00+00:00</o:assessedOn>"
    "<o:overallRiskLevel>HIGH</o:overallRiskLevel><o:riskInCommunity><o:risk>"
    "<o:group>PUBLIC</o:group><o:level>HIGH</o:level></o:risk></o:riskInCommunity>"
    "<o:riskInCustody/><o:riskFlags>LLHLLLLLL</o:riskFlags></o:roshAssessment>\n"
    "</o:GetRiskOfSeriousHarmResponse>"
)
FAULT = "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>down</faultstring></soap:Fault>"


@pytest.fixture(scope="module")
def reader() -> ReplyReader:
    return ReplyReader(WSDL)


def reply(body: str) -> bytes:
    return ENVELOPE.format(body).encode()


def test_a_valid_reply_is_read_into_records(reader: ReplyReader) -> None:
    element = reader.response(reply(PREDICTORS), "GetPredictorScores")
    assert element is not None
    record = convert.predictors(element)
    assert record is not None
    assert record.completed_date == date(2025, 3, 29)  # 23:30 UTC is still the 29th in London
    assert record.ogrs == ScoreRecord(45.2, 59.48, "MEDIUM")
    assert record.rsr == ScoreRecord(None, 8.12, "HIGH")
    assert record.ogp is None
    assert record.ovp is None


def test_whitespace_and_any_prefix_are_read_alike(reader: ReplyReader) -> None:
    element = reader.response(reply(ROSH), "GetRiskOfSeriousHarm")
    assert element is not None
    record = convert.rosh(element)
    assert record is not None
    assert record.assessment_id == "7"
    assert record.assessed_on == date(2025, 7, 1)  # 23:15 UTC on 30 June is 1 July in London
    assert record.community == (GroupRiskRecord("PUBLIC", "HIGH"),)
    assert record.custody == ()


def test_a_fault_is_left_to_zeep(reader: ReplyReader) -> None:
    assert reader.response(reply(FAULT), "GetPredictorScores") is None


@pytest.mark.parametrize(
    ("content", "operation"),
    [
        (reply(PREDICTORS), "GetRiskOfSeriousHarm"),  # another operation's response
        (reply(PREDICTORS.replace("MEDIUM", "MIDDLING")), "GetPredictorScores"),  # not a band
        (reply(PREDICTORS.replace("<o:crn>A123456</o:crn>", "")), "GetPredictorScores"),
        (reply(PREDICTORS + PREDICTORS), "GetPredictorScores"),  # two body parts
        (reply(""), "GetPredictorScores"),  # an empty body
        (  # the response without its envelope
            PREDICTORS.replace(
                "<o:GetPredictorScoresResponse>",
                '<o:GetPredictorScoresResponse xmlns:o="urn:oasys:assessments:v1">',
            ).encode(),
            "GetPredictorScores",
        ),
    ],
    ids=["operation", "enumeration", "required", "two-parts", "empty", "no-envelope"],
)
def test_a_reply_off_the_contract_is_refused(
    reader: ReplyReader, content: bytes, operation: str
) -> None:
    with pytest.raises(MalformedReply):
        reader.response(content, operation)


def test_refused_and_unparsable_replies_make_oasys_unavailable(reader: ReplyReader) -> None:
    assert isinstance(translate(MalformedReply("x")), BackendUnavailable)
    with pytest.raises(etree.XMLSyntaxError) as raised:
        reader.response(b"<soap:Envelope", "GetPredictorScores")
    assert isinstance(translate(raised.value), BackendUnavailable)

"""SOAP 1.1 envelopes for the stand-in OASys, built with lxml and checked against the WSDL's XSD.

The XSD is taken from the WSDL's ``wsdl:types`` once and cached. Requests are validated
before they are answered, and every response body and fault detail is validated before
it is sent, so the stand-in cannot drift from the contract unnoticed.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from sandbox.oasys.dataset import (
    Assessment,
    OffenderRecord,
    Predictors,
    Rosh,
    Rsr,
    TwoYear,
)

WSDL_PATH = Path(__file__).with_name("oasys-assessments.wsdl")
TNS = "urn:oasys:assessments:v1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDLSOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
OPERATIONS = ("GetAssessmentSummaries", "GetRiskOfSeriousHarm", "GetPredictorScores")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class InvalidMessage(Exception):
    """A message (ours or the caller's) that the contract's XSD refuses."""


@cache
def wsdl_bytes() -> bytes:
    return WSDL_PATH.read_bytes()


@cache
def schema() -> etree.XMLSchema:
    """The XSD embedded in the WSDL, parsed once."""
    wsdl = etree.fromstring(wsdl_bytes(), _PARSER)
    element = wsdl.find(f"{{{WSDL_NS}}}types/{{{XSD_NS}}}schema")
    assert element is not None, "the WSDL has no embedded schema"
    # tostring keeps the in-scope namespace declarations that QName attribute values need.
    return etree.XMLSchema(etree.fromstring(etree.tostring(element), _PARSER))


def wsdl_for(address: str) -> bytes:
    """The WSDL with its soap:address pointing at ``address``."""
    wsdl = etree.fromstring(wsdl_bytes(), _PARSER)
    for node in wsdl.iter(f"{{{WSDLSOAP_NS}}}address"):
        node.set("location", address)
    return etree.tostring(wsdl, xml_declaration=True, encoding="UTF-8")


def validate(element: etree._Element) -> None:
    """Raise ``InvalidMessage`` unless ``element`` (a document root) matches the XSD."""
    checker = schema()
    if not checker.validate(etree.ElementTree(element)):
        raise InvalidMessage(str(checker.error_log))


def parse_request(body: bytes) -> tuple[str, etree._Element]:
    """Return (operation, request element) from a SOAP 1.1 request body.

    Raises ``InvalidMessage`` for anything that is not an envelope around one valid
    request element of a known operation.
    """
    try:
        envelope = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as error:
        raise InvalidMessage("the request is not well-formed XML") from error
    if envelope.tag != f"{{{SOAP_ENV}}}Envelope":
        raise InvalidMessage("the request is not a SOAP 1.1 envelope")
    soap_body = envelope.find(f"{{{SOAP_ENV}}}Body")
    children = [c for c in soap_body if isinstance(c.tag, str)] if soap_body is not None else []
    if len(children) != 1:
        raise InvalidMessage("the SOAP body must hold exactly one request element")
    request = children[0]
    name = etree.QName(request)
    if name.namespace != TNS or name.localname not in OPERATIONS:
        raise InvalidMessage("unknown operation")
    standalone = etree.fromstring(etree.tostring(request), _PARSER)
    validate(standalone)
    return name.localname, standalone


def request_crn(request: etree._Element) -> str:
    return request.findtext(f"{{{TNS}}}crn") or ""


def envelope(payload: etree._Element) -> bytes:
    """Wrap a validated body element in a SOAP 1.1 envelope."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "tns": TNS})
    etree.SubElement(root, f"{{{SOAP_ENV}}}Body").append(payload)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def fault(faultcode: str, faultstring: str, detail: etree._Element | None) -> bytes:
    """A SOAP 1.1 Fault envelope; the detail element is validated first."""
    if detail is not None:
        validate(detail)
    node = etree.Element(f"{{{SOAP_ENV}}}Fault")
    _text(node, "faultcode", f"soap:{faultcode}", qualified=False)
    _text(node, "faultstring", faultstring, qualified=False)
    if detail is not None:
        etree.SubElement(node, "detail").append(detail)
    return envelope(node)


def detail(name: str, **values: str) -> etree._Element:
    """A fault detail element such as ``tns:ServiceFault`` with its children in order."""
    node = etree.Element(f"{{{TNS}}}{name}", nsmap={"tns": TNS})
    for key, value in values.items():
        _text(node, key, value)
    return node


def response(operation: str, offender: OffenderRecord) -> etree._Element:
    """The validated response element for ``operation`` about one known offender."""
    node = etree.Element(f"{{{TNS}}}{operation}Response", nsmap={"tns": TNS})
    _text(node, "crn", offender.crn)
    _text(node, "limitedAccessOffender", _bool(offender.limited_access))
    if operation == "GetAssessmentSummaries":
        for assessment in offender.assessments:
            _assessment(etree.SubElement(node, f"{{{TNS}}}assessment"), assessment)
    elif operation == "GetRiskOfSeriousHarm" and offender.rosh is not None:
        _rosh(etree.SubElement(node, f"{{{TNS}}}roshAssessment"), offender.rosh)
    elif operation == "GetPredictorScores" and offender.predictors is not None:
        _predictors(etree.SubElement(node, f"{{{TNS}}}predictors"), offender.predictors)
    validate(node)
    return node


def _assessment(node: etree._Element, a: Assessment) -> None:
    _text(node, "assessmentId", str(a.assessment_id))
    _text(node, "assessmentType", a.type)
    _text(node, "status", a.status)
    if a.event_number is not None:
        _text(node, "eventNumber", str(a.event_number))
    _text(node, "createdDate", a.created.isoformat())
    _text(node, "completedDate", a.completed.isoformat())
    _text(node, "assessedBy", a.assessed_by)
    if a.total_score is not None:
        _text(node, "totalScore", str(a.total_score))
    if a.sections:
        scores = etree.SubElement(node, f"{{{TNS}}}sectionScores")
        for s in a.sections:
            item = etree.SubElement(scores, f"{{{TNS}}}sectionScore")
            _text(item, "sectionNumber", str(s.number))
            _text(item, "section", s.section)
            _text(item, "score", str(s.score))


def _rosh(node: etree._Element, rosh: Rosh) -> None:
    _text(node, "assessmentId", str(rosh.assessment_id))
    _text(node, "assessedOn", rosh.assessed_on.isoformat())
    _text(node, "overallRiskLevel", rosh.overall_level)
    for name, risks in (("riskInCommunity", rosh.community), ("riskInCustody", rosh.custody)):
        group_list = etree.SubElement(node, f"{{{TNS}}}{name}")
        for group, level in risks:
            risk = etree.SubElement(group_list, f"{{{TNS}}}risk")
            _text(risk, "group", group)
            _text(risk, "level", level)
    _text(node, "riskFlags", rosh.risk_flags)


def _predictors(node: etree._Element, p: Predictors) -> None:
    _text(node, "assessmentId", str(p.assessment_id))
    _text(node, "completedDate", p.completed.isoformat())
    for name, score in (("ogrs3", p.ogrs3), ("ogp", p.ogp), ("ovp", p.ovp)):
        if score is not None:
            _two_year(etree.SubElement(node, f"{{{TNS}}}{name}"), score)
    if p.rsr is not None:
        _rsr(etree.SubElement(node, f"{{{TNS}}}rsr"), p.rsr)


def _two_year(node: etree._Element, score: TwoYear) -> None:
    _text(node, "oneYear", _decimal(score.one_year))
    _text(node, "twoYear", _decimal(score.two_year))
    _text(node, "band", score.band)


def _rsr(node: etree._Element, score: Rsr) -> None:
    _text(node, "percentage", _decimal(score.percentage))
    _text(node, "band", score.band)


def _text(parent: etree._Element, name: str, value: str, *, qualified: bool = True) -> None:
    etree.SubElement(parent, f"{{{TNS}}}{name}" if qualified else name).text = value


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _decimal(value: Decimal) -> str:
    return f"{value:.2f}"

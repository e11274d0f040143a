"""The stand-in honours the contract: valid responses, well-formed faults, served WSDL."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest
from lxml import etree

from sandbox.oasys import OasysDataset, OasysServer, soap

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = soap.OPERATIONS
SOAP_ENV = soap.SOAP_ENV
TNS = soap.TNS


def _request(operation: str, crn: str) -> str:
    return (
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><t:{operation} xmlns:t="{TNS}">'
        f"<t:crn>{crn}</t:crn></t:{operation}></s:Body></s:Envelope>"
    )


def _body_child(content: bytes) -> etree._Element:
    envelope = etree.fromstring(content)
    assert envelope.tag == f"{{{SOAP_ENV}}}Envelope"
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    assert len(body) == 1
    return body[0]


def _detail(content: bytes) -> tuple[str, etree._Element]:
    fault = _body_child(content)
    assert fault.tag == f"{{{SOAP_ENV}}}Fault"
    assert fault.findtext("faultcode") in {"soap:Client", "soap:Server"}
    assert fault.findtext("faultstring")
    detail = fault.find("detail")
    assert detail is not None
    assert len(detail) == 1
    element = detail[0]
    soap.validate(etree.fromstring(etree.tostring(element)))
    return etree.QName(element).localname, element


async def test_responses_validate_against_the_xsd(
    server: OasysServer, dataset: OasysDataset
) -> None:
    async with httpx.AsyncClient() as http:
        for crn in sorted(dataset.offenders)[:25]:
            for operation in OPERATIONS:
                response = await http.post(server.url, content=_request(operation, crn))
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/xml")
                element = _body_child(response.content)
                assert etree.QName(element).localname == f"{operation}Response"
                soap.validate(etree.fromstring(etree.tostring(element)))
                assert element.findtext(f"{{{TNS}}}crn") == crn


@pytest.mark.parametrize(
    ("crn", "fault_name"),
    [("Z999999", "OffenderNotFoundFault"), ("x12", "ValidationFault"), ("", "ValidationFault")],
)
async def test_declared_faults_are_well_formed(
    server: OasysServer, crn: str, fault_name: str
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, content=_request("GetRiskOfSeriousHarm", crn))
    assert response.status_code == 500
    name, _ = _detail(response.content)
    assert name == fault_name


@pytest.mark.parametrize(
    "body",
    [
        b"<not-xml",
        b"<a/>",
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><t:Nope xmlns:t="{TNS}"/></s:Body>'
        f"</s:Envelope>".encode(),
        f'<s:Envelope xmlns:s="{SOAP_ENV}"><s:Body><t:GetPredictorScores xmlns:t="{TNS}"/>'
        f"</s:Body></s:Envelope>".encode(),
    ],
)
async def test_invalid_requests_get_a_validation_fault(server: OasysServer, body: bytes) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, content=body)
    assert response.status_code == 500
    assert _detail(response.content)[0] == "ValidationFault"
    assert sum(server.state.calls.values()) == 0  # not counted as an operation call


async def test_service_fault_says_whether_to_retry(server: OasysServer) -> None:
    server.control(fail_next=1, fail_retryable=False)
    async with httpx.AsyncClient() as http:
        response = await http.post(server.url, content=_request("GetPredictorScores", "X100000"))
    name, element = _detail(response.content)
    assert (name, element.findtext(f"{{{TNS}}}retryable")) == ("ServiceFault", "false")


async def test_wsdl_is_served_with_its_own_address(server: OasysServer) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(server.url, params={"wsdl": ""})
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    addresses = [a.get("location") for a in wsdl.iter(f"{{{soap.WSDLSOAP_NS}}}address")]
    assert addresses == [server.url]
    original = etree.fromstring(soap.wsdl_bytes())
    assert len(list(wsdl.iter())) == len(list(original.iter()))


async def test_control_endpoint_over_http(server: OasysServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        bad = await http.post("/_control", json={"error_rate": 2})
        assert bad.status_code == 400
        await http.post("/_control", json={"error_rate": 1})
        faulted = await http.post(server.url, content=_request("GetRiskOfSeriousHarm", "X100000"))
        assert _detail(faulted.content)[0] == "ServiceFault"
        await http.post("/_control", json={"reset": True})
        ok = await http.post(server.url, content=_request("GetRiskOfSeriousHarm", "X100000"))
        assert ok.status_code == 200
        stats = (await http.get("/_control")).json()
    assert stats["calls"] == {"GetRiskOfSeriousHarm": 2}


def test_adapter_ships_a_verbatim_copy_of_the_contract() -> None:
    vendored = ROOT / "adapters" / "oasys" / "oasys-assessments.wsdl"
    contract = ROOT / "sandbox" / "oasys" / "oasys-assessments.wsdl"
    assert vendored.read_bytes() == contract.read_bytes()


def test_adapter_imports_stay_below_the_graph() -> None:
    forbidden = ("schema", "resolvers", "api", "strawberry", "sandbox", "tests")
    for path in (ROOT / "adapters" / "oasys").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, (path.name, name)

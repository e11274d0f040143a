"""OASys's replies, checked against the contract before they are read.

A successful reply is parsed with lxml and its response element validated against the
schema inside the vendored WSDL; only then is it read (``adapters.oasys.convert``). That
costs about 13 µs a reply here, where zeep's deserialisation took 0.2 to 0.4 ms, and
about 1 ms once a call had waited for OASys (the caches had gone cold): every request
with risk fields waited on it. Faults are still zeep's to read (``adapters.oasys.faults``).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
TNS = "urn:oasys:assessments:v1"
_XSD = "http://www.w3.org/2001/XMLSchema"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_FAULT = f"{{{SOAP_ENV}}}Fault"


class MalformedReply(Exception):
    """A reply that is not the operation's response as the contract describes it."""


class ReplyReader:
    """Finds and validates the response element in a reply to one operation."""

    def __init__(self, wsdl: Path) -> None:
        schema = etree.parse(str(wsdl), _PARSER).find(f".//{{{_XSD}}}schema")
        if schema is None:
            raise ValueError(f"{wsdl.name} holds no schema")
        # Serialised and parsed again, so the schema keeps the WSDL's namespace prefixes.
        self._schema = etree.XMLSchema(etree.fromstring(etree.tostring(schema), _PARSER))

    def response(self, content: bytes, operation: str) -> etree._Element | None:
        """The ``<operation>Response`` element of a reply; None when the reply is a fault.

        Raises ``MalformedReply`` (or lxml's ``XMLSyntaxError``) for anything else.
        """
        root = etree.fromstring(content, _PARSER)
        body = root.find(f"{{{SOAP_ENV}}}Body") if root.tag == f"{{{SOAP_ENV}}}Envelope" else None
        parts = [] if body is None else [child for child in body if isinstance(child.tag, str)]
        if len(parts) != 1:
            raise MalformedReply("not a SOAP envelope with one body part")
        (element,) = parts
        if element.tag == _FAULT:
            return None
        if element.tag != f"{{{TNS}}}{operation}Response" or not self._schema.validate(element):
            raise MalformedReply(f"not a {operation}Response as the contract describes")
        return element

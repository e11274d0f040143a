"""zeep's transport over ``adapters.http``: SOAP calls go out on the shared aiohttp client.

zeep asks its transport for two things: documents while it loads the WSDL (synchronous,
at start-up) and ``post_xml`` for each call. The WSDL and its schemas are the vendored
files beside this module, so a document zeep would fetch from the network is refused: the
contract never changes under a running server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree
from zeep.exceptions import TransportError
from zeep.transports import Transport
from zeep.wsdl.utils import etree_to_string

from adapters.http import HttpClient, HttpResponse


@dataclass(frozen=True, slots=True)
class SoapReply:
    """A reply as zeep reads one (status, headers, body, encoding): what its fault
    handling needs, without the cookie jar and hooks of the ``requests.Response`` zeep's
    own transports build."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    encoding: str | None = None


class HttpTransport(Transport):
    """Posts SOAP envelopes with ``http``; loads only local documents."""

    def __init__(self, http: HttpClient) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.http = http

    def _load_remote_data(self, url: str) -> bytes:
        refused = "not loading a remote document: only the vendored WSDL is used"
        raise TransportError(refused)  # type: ignore[no-untyped-call]

    async def post_xml(
        self, address: str, envelope: etree._Element, headers: dict[str, str]
    ) -> SoapReply:
        """Post ``envelope`` and hand zeep the response in the shape it parses."""
        answer: HttpResponse = await self.http.request(
            "POST",
            address,
            content=etree_to_string(envelope),  # type: ignore[no-untyped-call]
            headers=headers,
        )
        return SoapReply(answer.status_code, answer.headers, answer.content)

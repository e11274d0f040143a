"""Translate what can go wrong on a SOAP call into the adapter error tree.

    OffenderNotFoundFault            -> None (not an error)
    ValidationFault                  -> BackendRejected
    ServiceFault                     -> BackendUnavailable, retried only if retryable=true
    other SOAP fault (soap:Client)   -> BackendRejected
    other SOAP fault, 5xx, bad XML,
    a reply off the contract,
    connection refused/reset         -> BackendUnavailable
    timeout (adapters.http)          -> BackendTimeout

Fault details are matched by local name, so a server that qualifies them differently
(``tns:`` prefixes, unqualified children) is understood the same way. Messages carry no
case data.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError

from adapters.errors import BackendError, BackendRejected, BackendTimeout, BackendUnavailable
from adapters.http import HttpFailure, HttpTimeout
from adapters.oasys.replies import MalformedReply

SOURCE = "oasys"
_UNAVAILABLE = (MalformedReply, TransportError, ZeepError, etree.LxmlError)
"""Failures that say OASys could not give a usable answer (below, or off, the contract)."""


class OffenderNotFound(Exception):
    """OASys does not know the CRN; the client turns this into ``None``."""


class NotRetryable(Exception):
    """Chained as the cause of a ``BackendUnavailable`` that must not be retried."""


def translate(error: Exception) -> Exception:
    """The exception to raise instead of ``error`` (``OffenderNotFound`` for an unknown CRN)."""
    if isinstance(error, BackendError):
        return error
    if isinstance(error, Fault):
        return _fault(error)
    if isinstance(error, HttpTimeout):
        return BackendTimeout(SOURCE, f"{SOURCE}: timed out")
    if isinstance(error, HttpFailure):  # its message names the failure below HTTP
        return BackendUnavailable(SOURCE, f"{SOURCE}: {error}")
    if isinstance(error, _UNAVAILABLE):
        return BackendUnavailable(SOURCE, f"{SOURCE}: {type(error).__name__}")
    return error


def is_retryable(error: BackendUnavailable) -> bool:
    """False for a ServiceFault that said retryable=false."""
    return not isinstance(error.__cause__, NotRetryable)


def _fault(fault: Fault) -> Exception:
    name, values = _detail(fault.detail)
    if name == "OffenderNotFoundFault":
        return OffenderNotFound()
    if name == "ValidationFault":
        return BackendRejected(SOURCE, f"{SOURCE}: request refused (ValidationFault)")
    if name == "ServiceFault":
        error = BackendUnavailable(SOURCE, f"{SOURCE}: service fault")
        if values.get("retryable", "").strip().lower() not in {"true", "1"}:
            error.__cause__ = NotRetryable()
        return error
    code = str(fault.code or "")
    if code.rpartition(":")[2] == "Client":
        return BackendRejected(SOURCE, f"{SOURCE}: request refused")
    return BackendUnavailable(SOURCE, f"{SOURCE}: unexpected fault")


def _detail(detail: Any) -> tuple[str | None, dict[str, str]]:
    """The first detail element's local name and its children's texts, by local name."""
    if not isinstance(detail, etree._Element):
        return None, {}
    for child in detail:
        if isinstance(child.tag, str):
            values = {
                etree.QName(c).localname: (c.text or "") for c in child if isinstance(c.tag, str)
            }
            return etree.QName(child).localname, values
    return None, {}

"""Opaque cursors: what a page's position means to the adapter, encoded for clients.

A cursor is URL-safe base64 of a small JSON array whose first element names its kind,
so a cursor from one list is refused by another. Anything that does not decode is a
``BAD_USER_INPUT`` error, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, time
from typing import Any

from adapters.queries import CaseloadPosition, ContactPosition
from adapters.records import ContactRecord
from resolvers.errors import bad_input


def _encode(kind: str, *parts: Any) -> str:
    raw = json.dumps([kind, *parts], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, kind: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise bad_input("invalid cursor") from None
    if not isinstance(parts, list) or len(parts) != size + 1 or parts[0] != kind:
        raise bad_input("invalid cursor")
    return parts[1:]


def contact_cursor(contact: ContactRecord) -> str:
    """The cursor after a contact: its sort key (day, time of day, id)."""
    position = ContactPosition(
        date=contact.date,
        time_of_day=contact.start.time() if contact.start is not None else time(0, 0),
        contact_id=contact.id,
    )
    return _encode(
        "contact", position.date.isoformat(), position.time_of_day.isoformat(), position.contact_id
    )


def contact_position(cursor: str) -> ContactPosition:
    """Decode a contact cursor."""
    day, time_of_day, contact_id = _decode(cursor, "contact", 3)
    try:
        return ContactPosition(
            date=date.fromisoformat(day),
            time_of_day=time.fromisoformat(time_of_day),
            contact_id=int(contact_id),
        )
    except (TypeError, ValueError):
        raise bad_input("invalid cursor") from None


def caseload_cursor(position: CaseloadPosition) -> str:
    """The cursor after a case in a caseload."""
    return _encode("caseload", position.surname, position.forename, position.crn)


def caseload_position(cursor: str) -> CaseloadPosition:
    """Decode a caseload cursor."""
    surname, forename, crn = _decode(cursor, "caseload", 3)
    if not all(isinstance(part, str) and "\x00" not in part for part in (surname, forename, crn)):
        raise bad_input("invalid cursor")
    return CaseloadPosition(surname=surname, forename=forename, crn=crn)


def offset_cursor(offset: int) -> str:
    """The cursor after the ``offset``-th result of a search."""
    return _encode("offset", offset)


def offset_position(cursor: str) -> int:
    """Decode a search cursor into the offset to continue from."""
    (offset,) = _decode(cursor, "offset", 1)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad_input("invalid cursor")
    return offset

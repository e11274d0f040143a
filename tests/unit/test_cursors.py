"""Cursors round-trip, and anything else is a clean BAD_USER_INPUT error."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from adapters.queries import CaseloadPosition
from adapters.records import CodedValue, ContactRecord
from resolvers.cursors import (
    caseload_cursor,
    caseload_position,
    contact_cursor,
    contact_position,
    offset_cursor,
    offset_position,
)
from resolvers.errors import PublicError


def contact(start: datetime | None) -> ContactRecord:
    return ContactRecord(
        id=2500000123,
        offender_id=1,
        type=CodedValue("COAP", "Office visit"),
        is_appointment=True,
        date=date(2026, 3, 29),
        start=start,
        end=None,
        outcome=None,
        attended=None,
        complied=None,
        sensitive=False,
        notes=None,
        staff_id=1,
        team_id=1,
        provider_id=1,
        event_number=1,
        version=0,
    )


def test_contact_cursor_carries_day_time_and_id() -> None:
    start = datetime(2026, 3, 29, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    position = contact_position(contact_cursor(contact(start)))
    assert (position.date, position.time_of_day, position.contact_id) == (
        date(2026, 3, 29),
        time(9, 30),
        2500000123,
    )


def test_untimed_contact_sorts_at_midnight() -> None:
    assert contact_position(contact_cursor(contact(None))).time_of_day == time(0, 0)


def test_caseload_and_offset_cursors_round_trip() -> None:
    position = CaseloadPosition(surname="O'Brien", forename="Siân", crn="X000001")
    assert caseload_position(caseload_cursor(position)) == position
    assert offset_position(offset_cursor(40)) == 40


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "bm90IGpzb24", "WyJvZmZzZXQiLC0xXQ", "WyJvZmZzZXQiLCJ4Il0", "\u00e9"]
)
def test_garbage_is_bad_user_input(cursor: str) -> None:
    with pytest.raises(PublicError) as raised:
        offset_position(cursor)
    assert raised.value.extensions == {"code": "BAD_USER_INPUT"}


def test_a_cursor_of_one_kind_is_refused_by_another() -> None:
    with pytest.raises(PublicError):
        contact_position(offset_cursor(3))

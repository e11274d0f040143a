"""Legacy encodings decode the way the contract says."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from adapters.delius import decode


def test_dummy_date_times_take_the_contact_day_in_london() -> None:
    summer = decode.wall_time(date(2026, 7, 1), datetime(1970, 1, 1, 9, 30))
    winter = decode.wall_time(date(2026, 12, 1), datetime(1970, 1, 1, 9, 30))
    assert summer is not None
    assert winter is not None
    assert summer.isoformat() == "2026-07-01T09:30:00+01:00"
    assert winter.utcoffset() == timedelta(0)


def test_a_real_date_in_the_time_column_is_ignored_too() -> None:
    instant = decode.wall_time(date(2026, 7, 1), datetime(2026, 6, 30, 14, 0))
    assert instant is not None
    assert instant.date() == date(2026, 7, 1)


def test_flags() -> None:
    assert [decode.yes(v) for v in ("Y", "N", "U", None)] == [True, False, False, False]
    assert [decode.yes_no(v) for v in ("Y", "N", "U", None)] == [True, False, None, None]
    assert [decode.one(v) for v in (1, 0, None)] == [True, False, False]


def test_tier_drops_the_legacy_prefix() -> None:
    tier = decode.tier("UD2", "D2")
    assert tier is not None
    assert tier.code == "D2"


def test_padded_text_and_event_numbers() -> None:
    assert decode.text("N07T01 ") == "N07T01"
    assert decode.text("   ") is None
    assert decode.event_number(" 3") == 3
    assert decode.event_number("X1") is None

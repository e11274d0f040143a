"""Legacy encodings, decoded once: flags, padded codes, code lists and dummy-date times."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from adapters.records import CodedValue

LONDON = ZoneInfo("Europe/London")


def yes(flag: str | None) -> bool:
    """A CHAR(1) Y/N flag; anything but 'Y' (N, U, NULL) is false."""
    return flag == "Y"


def yes_no(flag: str | None) -> bool | None:
    """A CHAR(1) Y/N flag where NULL (and 'U', unknown) stays unknown."""
    if flag == "Y":
        return True
    if flag == "N":
        return False
    return None


def one(flag: int | None) -> bool:
    """A SMALLINT 0/1 flag."""
    return flag == 1


def text(value: str | None) -> str | None:
    """A CHAR(n) or VARCHAR value with blank padding removed; blank becomes None."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def coded(code: str | None, description: str | None) -> CodedValue | None:
    """A code-list entry, or None when the row points at no entry."""
    if code is None or description is None:
        return None
    return CodedValue(code=code.strip(), description=description)


def tier(code: str | None, description: str | None) -> CodedValue | None:
    """A management tier; nDelius stores tier D2 as 'UD2', the graph shows 'D2'."""
    value = coded(code, description)
    if value is None:
        return None
    shown = value.code[1:] if value.code.startswith("U") and len(value.code) == 3 else value.code
    return CodedValue(code=shown, description=value.description)


def wall_time(day: date, time_part: datetime | None) -> datetime | None:
    """A contact instant: the real day plus the time of day of a dummy-dated TIMESTAMP.

    The date part of CONTACT_START_TIME / CONTACT_END_TIME is meaningless (usually
    1970-01-01); only its time of day counts, on ``day``, in Europe/London.
    """
    if time_part is None:
        return None
    return datetime.combine(day, time_part.time(), tzinfo=LONDON)


def event_number(value: str | None) -> int | None:
    """EVENT_NUMBER is text ('1', '2', ...); a non-numeric legacy value reads as None."""
    if value is None:
        return None
    stripped = value.strip()
    return int(stripped) if stripped.isdigit() else None

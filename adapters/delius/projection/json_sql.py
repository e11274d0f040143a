"""SQL expressions that write JSON text and decode nDelius's legacy encodings in SQL.

Each mirrors a decoder of ``adapters.delius.decode`` (or the standard JSON encoder) so a
value read in SQL equals the value the per-relation reads decode in Python.
"""

from __future__ import annotations

import orjson

_WHITESPACE = r"E' \t\n\r\f\v'"
NUMBER = r"'^\s*[0-9]{1,9}\s*$'"
"""A pattern for the EVENT_NUMBER values ``decode.event_number`` reads as a number."""
CODE_SUFFIX = r"'\s+-\s+\w+$'"
"""The pattern of ``events._CODE_SUFFIX``, in SQL."""


def strip(expression: str) -> str:
    """Python's ``str.strip()`` of a CHAR(n) or VARCHAR value."""
    return f"btrim({expression}::text, {_WHITESPACE})"


def one(expression: str) -> str:
    """A SMALLINT 0/1 flag as a boolean (NULL reads as false)."""
    return f"({expression} IS NOT DISTINCT FROM 1)"


def yes_no(expression: str) -> str:
    """A CHAR(1) Y/N flag; anything else stays unknown."""
    return f"(CASE {expression} WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE END)"


def event_number(expression: str) -> str:
    """EVENT_NUMBER as an integer; a non-numeric legacy value reads as null."""
    return (
        f"(CASE WHEN {expression} ~ {NUMBER} THEN substring({expression} from '[0-9]+')::int END)"
    )


def offence_description(expression: str) -> str:
    """An offence description without the " - <code>" nDelius appends
    (``events._offence_description``)."""
    return f"regexp_replace({expression}, {CODE_SUFFIX}, '')"


def wall_time_sql(day: str, time_part: str) -> str:
    """A contact instant as Python's ``datetime.combine(day, time, LONDON).isoformat()``.

    London's offset is +01:00 exactly when it was +01:00 one hour before the wall time
    read as UTC: that picks the offset before a clock change for the hour the change
    repeats or skips, as Python's ``fold=0`` does. The times are TIMESTAMP(0): no fraction.
    """
    wall = f"({day} + {time_part}::time)"
    before = f"(({wall} - INTERVAL '1 hour') AT TIME ZONE 'UTC')"
    summer = (
        f"(({before} AT TIME ZONE 'Europe/London') - ({before} AT TIME ZONE 'UTC')"
        " = INTERVAL '1 hour')"
    )
    return (
        f"(CASE WHEN {time_part} IS NOT NULL THEN "
        f"to_char({wall}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN {summer} THEN '+01:00' ELSE '+00:00' END END)"
    )


def opening_key(position: int, key: str) -> str:
    """The SQL literal that opens an object's field: ``{"key":`` first, ``,"key":`` after."""
    return text_literal(("{" if position == 0 else ",") + orjson.dumps(key).decode() + ":")


def json_value(expression: str) -> str:
    """A value's JSON text (``null`` for NULL)."""
    return f"COALESCE(to_json({expression})::text, 'null')"


def text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"

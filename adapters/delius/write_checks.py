"""Reference-data checks for writes: what nDelius itself would refuse, as problems.

Each check reads inside the write's transaction, so what it approves is what gets
written. A failed check adds a ``WriteProblem`` naming the draft's field and returns
None; the caller writes nothing when any problem was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.records import ProblemCode, WriteProblem

Connection = Any
"""An asyncpg connection (or pool proxy) inside an open transaction."""

_CURRENT = "(end_date IS NULL OR end_date > CURRENT_DATE)"


class Problems:
    """The problems found so far in one write."""

    def __init__(self) -> None:
        self.items: list[WriteProblem] = []

    def add(self, field: str | None, code: ProblemCode, message: str) -> None:
        """Note one problem."""
        self.items.append(WriteProblem(field=field, code=code, message=message))

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True, slots=True)
class ContactType:
    """The R_CONTACT_TYPE behaviour flags a write depends on."""

    id: int
    appointment: bool
    location: str
    sensitive: str


@dataclass(frozen=True, slots=True)
class Placement:
    """Who holds a new contact: provider, team and member of staff."""

    provider_id: int
    team_id: int
    staff_id: int


async def user_id(conn: Connection, login: str | None, problems: Problems) -> int | None:
    """The USER_ row of the author, matched on DISTINGUISHED_NAME ignoring case."""
    if login:
        found = await conn.fetchval(
            f"SELECT user_id FROM user_ WHERE lower(distinguished_name) = lower($1) AND {_CURRENT}",
            login,
        )
        if found is not None:
            return int(found)
    problems.add(None, ProblemCode.UNKNOWN_USER, "writes need a current nDelius user")
    return None


async def contact_type(
    conn: Connection, code: str, appointment: bool, problems: Problems
) -> ContactType | None:
    """A selectable, not system-generated contact type of the right kind."""
    row = await conn.fetchrow(
        """SELECT contact_type_id, selectable, sgc_flag, attendance_contact,
                  contact_location_flag, sensitive_contact
           FROM r_contact_type WHERE code = $1""",
        code,
    )
    if row is None:
        problems.add("type_code", ProblemCode.UNKNOWN_CONTACT_TYPE, "no such contact type")
        return None
    if row["selectable"] != "Y" or row["sgc_flag"] != 0:
        problems.add(
            "type_code",
            ProblemCode.CONTACT_TYPE_NOT_ALLOWED,
            "this contact type is not selectable or is system-generated",
        )
        return None
    is_appointment = row["attendance_contact"] == "Y"
    if appointment and not is_appointment:
        problems.add(
            "type_code", ProblemCode.NOT_AN_APPOINTMENT, "this contact type is not an appointment"
        )
        return None
    if not appointment and is_appointment:
        problems.add(
            "type_code",
            ProblemCode.APPOINTMENT_TYPE_NOT_ALLOWED,
            "an appointment type cannot be written as a case note",
        )
        return None
    return ContactType(
        id=row["contact_type_id"],
        appointment=is_appointment,
        location=row["contact_location_flag"],
        sensitive=row["sensitive_contact"],
    )


async def event_id(
    conn: Connection, offender_id: int, number: int | None, problems: Problems
) -> int | None:
    """The live event of this case with that number (None when none was asked for)."""
    if number is None:
        return None
    found = await conn.fetchval(
        """SELECT event_id FROM event WHERE offender_id = $1 AND event_number = $2
             AND soft_deleted = 0 AND active_flag = 1 ORDER BY event_id LIMIT 1""",
        offender_id,
        str(number),
    )
    if found is None:
        problems.add("event_number", ProblemCode.UNKNOWN_EVENT, "the case has no such live event")
    return None if found is None else int(found)


async def outcome(conn: Connection, code: str, problems: Problems) -> Any:
    """A selectable outcome type: its id and the ATTENDED / COMPLIED flags it implies."""
    row = await conn.fetchrow(
        """SELECT contact_outcome_type_id, outcome_attendance, outcome_compliant_acceptable
           FROM r_contact_outcome_type WHERE code = $1 AND selectable = 'Y'""",
        code,
    )
    if row is None:
        problems.add("outcome_code", ProblemCode.UNKNOWN_OUTCOME, "no such selectable outcome")
    return row


async def office(
    conn: Connection,
    code: str | None,
    kind: ContactType,
    provider_id: int,
    problems: Problems,
) -> int | None:
    """The office location, required by location types and refused by the others."""
    if code is None:
        if kind.location == "Y":
            problems.add(
                "office_location_code",
                ProblemCode.LOCATION_REQUIRED,
                "this contact type needs an office location",
            )
        return None
    if kind.location == "N":
        problems.add(
            "office_location_code", ProblemCode.INVALID_INPUT, "this contact type takes no location"
        )
        return None
    found = await conn.fetchval(
        f"""SELECT office_location_id FROM office_location
            WHERE code = $1 AND probation_area_id = $2 AND {_CURRENT}""",
        code,
        provider_id,
    )
    if found is None:
        problems.add(
            "office_location_code",
            ProblemCode.UNKNOWN_LOCATION,
            "no current office location with this code at the team's provider",
        )
    return None if found is None else int(found)

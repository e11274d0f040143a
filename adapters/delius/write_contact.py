"""A new CONTACT row: checked against reference data, then inserted the legacy way.

The caller's instant becomes CONTACT_DATE (its London day) plus start and end times on
the dummy day 1970-01-01; SENSITIVE defaults to the type's SENSITIVE_CONTACT; the four
audit columns carry the author's USER_ID and London wall time.
"""

from __future__ import annotations

from datetime import date, datetime

from adapters.delius import write_checks as checks
from adapters.delius.decode import LONDON
from adapters.delius.write_checks import Connection, Problems
from adapters.delius.write_placement import placement
from adapters.queries import Author, ContactDraft
from adapters.records import ProblemCode, WriteProblem

DUMMY_DAY = date(1970, 1, 1)

_INSERT = """
INSERT INTO contact (
    contact_id, offender_id, contact_type_id, contact_date, contact_start_time,
    contact_end_time, sensitive, notes, external_reference, probation_area_id, team_id,
    staff_id, office_location_id, event_id, row_version, soft_deleted,
    created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, 0,
        $15, LOCALTIMESTAMP(0), $15, LOCALTIMESTAMP(0))
"""


class Refused(Exception):
    """Raised inside a write's transaction to roll it back with problems for the caller."""

    def __init__(self, problems: list[WriteProblem], current_version: int | None = None) -> None:
        super().__init__("write refused")
        self.problems = tuple(problems)
        self.current_version = current_version


def wall_clock(instant: datetime) -> tuple[date, datetime]:
    """The London day of an instant, and its time of day on the dummy day."""
    local = instant.astimezone(LONDON).replace(microsecond=0)
    return local.date(), datetime.combine(DUMMY_DAY, local.time())


async def insert_contact(
    conn: Connection, contact_id: int, offender_id: int, draft: ContactDraft, author: Author
) -> None:
    problems = Problems()
    start = draft.start or datetime.now(LONDON)
    day, start_time = wall_clock(start)
    end_time = None
    if draft.end is not None:
        end_day, end_time = wall_clock(draft.end)
        if end_day != day or draft.end <= start:
            problems.add("end", ProblemCode.END_BEFORE_START, "the end must be later the same day")
    user = await checks.user_id(conn, author.login, problems)
    kind = await checks.contact_type(conn, draft.type_code, draft.appointment, problems)
    event = await checks.event_id(conn, offender_id, draft.event_number, problems)
    where = await placement(
        conn, offender_id, draft.staff_code, draft.team_code, author.provider_code, problems
    )
    office = None
    if kind is not None and where is not None and draft.appointment:
        office = await checks.office(
            conn, draft.office_location_code, kind, where.provider_id, problems
        )
    if problems or kind is None or where is None or user is None:
        raise Refused(problems.items)
    sensitive = kind.sensitive if draft.sensitive is None else ("Y" if draft.sensitive else "N")
    await conn.execute(
        _INSERT,
        contact_id,
        offender_id,
        kind.id,
        day,
        start_time,
        end_time,
        sensitive,
        draft.notes,
        draft.external_reference,
        where.provider_id,
        where.team_id,
        where.staff_id,
        office,
        event,
        user,
    )

"""Who holds a new contact: the staff and team asked for, or the case's current manager.

nDelius needs provider, team and staff on every contact. Given both codes, the member of
staff must be in the team. Given only staff, the team is the manager's team when the
staff member is in it, else their only team. Given only a team, the staff member is the
case's manager when they are in that team, else the team's placeholder (officer code
ending in U). Given neither, the case's current manager holds it. A partner may place a
contact only with its own provider.
"""

from __future__ import annotations

from typing import Any

from adapters.delius.write_checks import Connection, Placement, Problems
from adapters.records import ProblemCode

_TEAM = """
SELECT t.team_id, t.probation_area_id, pa.code AS provider_code
FROM team t JOIN probation_area pa ON pa.probation_area_id = t.probation_area_id
WHERE {} AND (t.end_date IS NULL OR t.end_date > CURRENT_DATE)
"""

_MANAGER = """
SELECT allocation_staff_id AS staff_id, team_id FROM offender_manager
WHERE offender_id = $1 AND active_flag = 1 AND soft_deleted = 0
ORDER BY allocation_date DESC, offender_manager_id DESC LIMIT 1
"""

_STAFF = """
SELECT staff_id FROM staff
WHERE officer_code = $1 AND (end_date IS NULL OR end_date > CURRENT_DATE)
"""

_STAFF_TEAMS = "SELECT team_id FROM staff_team WHERE staff_id = $1 ORDER BY team_id"

_PLACEHOLDER = """
SELECT s.staff_id FROM staff s JOIN staff_team st ON st.staff_id = s.staff_id
WHERE st.team_id = $1 AND s.officer_code LIKE '______U' ORDER BY s.staff_id LIMIT 1
"""


async def placement(
    conn: Connection,
    offender_id: int,
    staff_code: str | None,
    team_code: str | None,
    scope: str | None,
    problems: Problems,
) -> Placement | None:
    """The provider, team and staff for a new contact, or None with problems noted."""
    manager = await conn.fetchrow(_MANAGER, offender_id)
    staff_id = await _staff(conn, staff_code, problems)
    team = await _team(conn, "t.code = $1", team_code, "team_code", problems)
    if problems:
        return None
    if staff_id is not None and team is not None:
        teams = [r["team_id"] for r in await conn.fetch(_STAFF_TEAMS, staff_id)]
        if team["team_id"] not in teams:
            problems.add(
                "staff_code",
                ProblemCode.STAFF_NOT_IN_TEAM,
                "the member of staff is not in the team",
            )
            return None
    elif staff_id is not None:
        team = await _team_of_staff(conn, staff_id, manager, problems)
    elif team is not None:
        staff_id = await _staff_of_team(conn, team["team_id"], manager, problems)
    elif manager is None:
        problems.add(None, ProblemCode.NO_MANAGER, "the case has no manager: give staff and team")
    else:
        staff_id = manager["staff_id"]
        team = await _team(conn, "t.team_id = $1", manager["team_id"], None, problems)
    if problems or team is None or staff_id is None:
        return None
    if scope is not None and team["provider_code"].strip() != scope:
        problems.add(
            "team_code",
            ProblemCode.OUT_OF_PROVIDER,
            "a partner may place contacts only with itself",
        )
        return None
    return Placement(
        provider_id=team["probation_area_id"], team_id=team["team_id"], staff_id=staff_id
    )


async def _staff(conn: Connection, code: str | None, problems: Problems) -> int | None:
    if code is None:
        return None
    found = await conn.fetchval(_STAFF, code)
    if found is None:
        problems.add(
            "staff_code", ProblemCode.UNKNOWN_STAFF, "no current member of staff with this code"
        )
    return None if found is None else int(found)


async def _team(
    conn: Connection, condition: str, value: Any, field: str | None, problems: Problems
) -> Any:
    if value is None:
        return None
    row = await conn.fetchrow(_TEAM.format(condition), value)
    if row is None:
        problems.add(field, ProblemCode.UNKNOWN_TEAM, "no current team with this code")
    return row


async def _team_of_staff(conn: Connection, staff_id: int, manager: Any, problems: Problems) -> Any:
    teams = [r["team_id"] for r in await conn.fetch(_STAFF_TEAMS, staff_id)]
    if manager is not None and manager["team_id"] in teams:
        chosen = manager["team_id"]
    elif len(teams) == 1:
        chosen = teams[0]
    else:
        problems.add(
            "team_code",
            ProblemCode.INVALID_INPUT,
            "name the team: the member of staff is in several",
        )
        return None
    return await _team(conn, "t.team_id = $1", chosen, "team_code", problems)


async def _staff_of_team(
    conn: Connection, team_id: int, manager: Any, problems: Problems
) -> int | None:
    if manager is not None and manager["team_id"] == team_id:
        return int(manager["staff_id"])
    found = await conn.fetchval(_PLACEHOLDER, team_id)
    if found is None:
        problems.add(
            "staff_code",
            ProblemCode.INVALID_INPUT,
            "name the member of staff: the team has no placeholder",
        )
    return None if found is None else int(found)

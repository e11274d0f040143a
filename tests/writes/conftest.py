"""Fixtures for the write tests: the app over an adapter that writes, and cases to write to."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from adapters.delius import DeliusAdapter
from api.app import create_app
from api.settings import Settings
from resolvers.context import Backends
from resolvers.viewer import Role
from tests.conftest import GraphQL, Tokens, in_process

WRITER_ROLES = (Role.READ_CASES, Role.WRITE_CONTACTS, Role.READ_SENSITIVE)

SCHEDULE = """
mutation($input: ScheduleAppointmentInput!) {
  scheduleAppointment(input: $input) {
    replayed currentVersion
    problems { field code message }
    contact { id type { code } date start end notes sensitive eventNumber version
              outcome { code } attended complied staff { code } team { code } }
  }
}
"""

OUTCOME = """
mutation($input: RecordOutcomeInput!) {
  recordAppointmentOutcome(input: $input) {
    replayed currentVersion
    problems { field code message }
    contact { id version outcome { code } attended complied notes }
  }
}
"""

NOTE = """
mutation($input: AddCaseNoteInput!) {
  addCaseNote(input: $input) {
    replayed
    problems { field code message }
    contact { id type { code } date start notes sensitive eventNumber version }
  }
}
"""


@pytest.fixture(scope="session")
async def writes_http(
    settings: Settings, delius: DeliusAdapter
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process HTTP client of the app over the writing adapter (no default token)."""
    app = create_app(settings, backends=Backends(delius=delius))
    async with in_process(app) as http:
        yield http


@pytest.fixture
def wgql(writes_http: httpx.AsyncClient) -> GraphQL:
    """Run a GraphQL document against the writing app."""
    return GraphQL(writes_http)


@dataclass(frozen=True)
class Case:
    """A community case open to staff: its CRN, manager and where they work."""

    crn: str
    offender_id: int
    event_number: int
    staff_code: str
    team_code: str
    office_code: str


CASES = """
SELECT o.crn, o.offender_id, min(e.event_number::int) AS event_number,
       s.officer_code, t.code AS team_code,
       (SELECT ol.code FROM office_location ol WHERE ol.probation_area_id = pa.probation_area_id
         AND (ol.end_date IS NULL OR ol.end_date > CURRENT_DATE) ORDER BY ol.code LIMIT 1) AS office
FROM offender o
JOIN offender_manager om ON om.offender_id = o.offender_id AND om.active_flag = 1
     AND om.soft_deleted = 0
JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id AND pa.private = {private}
JOIN staff s ON s.staff_id = om.allocation_staff_id
JOIN team t ON t.team_id = om.team_id
JOIN event e ON e.offender_id = o.offender_id AND e.active_flag = 1 AND e.soft_deleted = 0
WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
  AND (SELECT count(*) FROM offender d WHERE d.crn = o.crn AND d.soft_deleted = 0) = 1
GROUP BY o.crn, o.offender_id, s.officer_code, t.code, pa.probation_area_id
ORDER BY o.crn
"""


async def cases(sql: Any, *, private: bool = False) -> list[Case]:
    """Cases with a live event and a current manager (at a CRC when ``private``)."""
    rows = await sql.fetch(CASES.format(private=int(private)))
    return [
        Case(
            crn=r["crn"].strip(),
            offender_id=r["offender_id"],
            event_number=r["event_number"],
            staff_code=r["officer_code"].strip(),
            team_code=r["team_code"].strip(),
            office_code=r["office"].strip(),
        )
        for r in rows
        if r["office"] is not None
    ]


@pytest.fixture(scope="session")
async def staff_cases(sql: Any) -> list[Case]:
    """NPS-managed cases to write to."""
    found = await cases(sql)
    assert len(found) >= 10
    return found


@pytest.fixture(scope="session")
async def login(sql: Any) -> str:
    """The login of a current nDelius user who is a practitioner."""
    name = await sql.fetchval(
        "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL AND end_date IS NULL "
        "ORDER BY user_id LIMIT 1"
    )
    assert name
    return str(name)


@pytest.fixture
def writer(tokens: Tokens, login: str) -> dict[str, str]:
    """Headers of a practitioner who may read and write contacts."""
    return tokens.header(roles=WRITER_ROLES, username=login.upper())


async def add_gateway_user(sql: Any, client_id: str) -> None:
    """An nDelius user for a partner client: partners write as the user named by their id."""
    await sql.execute(
        "INSERT INTO user_ (user_id, distinguished_name, forename, surname, private) "
        "VALUES (nextval('user_id_seq'), $1, 'Partner', 'Gateway', 1)",
        client_id,
    )


def new_key() -> str:
    """A fresh idempotency key."""
    return f"test-{uuid.uuid4()}"

"""Expected refusals are problems in the result, never a write and never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.records import ProblemCode
from resolvers.viewer import Role
from schema.write_results import ProblemCodeType
from tests.conftest import GraphQL, Tokens
from tests.writes.conftest import (
    NOTE,
    OUTCOME,
    SCHEDULE,
    WRITER_ROLES,
    Case,
    add_gateway_user,
    cases,
    new_key,
)
from tests.writes.test_contacts_written import tomorrow_at


def problems(body: dict[str, Any], field: str) -> list[tuple[str | None, str]]:
    assert "errors" not in body, body
    result = body["data"][field]
    assert result["contact"] is None
    return [(p["field"], p["code"]) for p in result["problems"]]


def appointment(case: Case, **fields: Any) -> dict[str, Any]:
    return {"crn": case.crn, "typeCode": "COPT", "start": tomorrow_at(12).isoformat(),
            "idempotencyKey": new_key(), **fields}  # fmt: skip


CASES = [
    ({"typeCode": "NOPE"}, [("typeCode", "UNKNOWN_CONTACT_TYPE")]),
    ({"typeCode": "EAPP"}, [("typeCode", "CONTACT_TYPE_NOT_ALLOWED")]),  # system-generated
    ({"typeCode": "CTOB"}, [("typeCode", "NOT_AN_APPOINTMENT")]),
    ({"typeCode": "COAP"}, [("officeLocationCode", "LOCATION_REQUIRED")]),
    ({"eventNumber": 99}, [("eventNumber", "UNKNOWN_EVENT")]),
    ({"staffCode": "X99Z999"}, [("staffCode", "UNKNOWN_STAFF")]),
    ({"teamCode": "X99ZZZ"}, [("teamCode", "UNKNOWN_TEAM")]),
    ({"end": tomorrow_at(11).isoformat()}, [("end", "END_BEFORE_START")]),
    ({"end": (tomorrow_at(12) + timedelta(days=1)).isoformat()}, [("end", "END_BEFORE_START")]),
    ({"start": "2030-01-01T10:00:00"}, [("start", "INVALID_INPUT")]),  # no offset
    ({"crn": "not-a-crn"}, [("crn", "INVALID_INPUT")]),
    ({"crn": "Z999999"}, [("crn", "NOT_FOUND")]),
    ({"idempotencyKey": " "}, [("idempotencyKey", "INVALID_INPUT")]),
]


@pytest.mark.parametrize(("fields", "expected"), CASES)
async def test_bad_appointments_are_refused_with_problems(
    wgql: GraphQL,
    writer: dict[str, str],
    staff_cases: list[Case],
    sql: Any,
    fields: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    case = staff_cases[9]
    before = await sql.fetchval(
        "SELECT count(*) FROM contact WHERE offender_id = $1", case.offender_id
    )
    body = await wgql(SCHEDULE, headers=writer, input=appointment(case, **fields))
    assert problems(body, "scheduleAppointment") == expected
    after = await sql.fetchval(
        "SELECT count(*) FROM contact WHERE offender_id = $1", case.offender_id
    )
    assert after == before


async def test_staff_must_belong_to_the_team(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case]
) -> None:
    other = next(c for c in staff_cases if c.team_code != staff_cases[9].team_code)
    body = await wgql(
        SCHEDULE,
        headers=writer,
        input=appointment(
            staff_cases[9], staffCode=staff_cases[9].staff_code, teamCode=other.team_code
        ),
    )
    assert problems(body, "scheduleAppointment") == [("staffCode", "STAFF_NOT_IN_TEAM")]


async def test_a_case_note_may_not_use_an_appointment_type(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case]
) -> None:
    body = await wgql(
        NOTE,
        headers=writer,
        input={
            "crn": staff_cases[9].crn,
            "typeCode": "COAP",
            "notes": "x",
            "idempotencyKey": new_key(),
        },
    )
    assert problems(body, "addCaseNote") == [("typeCode", "APPOINTMENT_TYPE_NOT_ALLOWED")]


async def test_outcomes_need_a_known_outcome_and_an_appointment(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    case = staff_cases[9]
    appointment_id, version = await sql.fetchrow(
        """SELECT c.contact_id, c.row_version FROM contact c
           JOIN r_contact_type t USING (contact_type_id)
           WHERE c.offender_id = $1 AND c.soft_deleted = 0 AND t.attendance_contact = 'Y'
           LIMIT 1""",
        case.offender_id,
    )
    note_id = await sql.fetchval(
        """SELECT c.contact_id FROM contact c JOIN r_contact_type t USING (contact_type_id)
           WHERE c.offender_id = $1 AND c.soft_deleted = 0 AND t.code = 'CTOB' LIMIT 1""",
        case.offender_id,
    )

    async def outcome(contact_id: Any, code: str) -> list[tuple[str | None, str]]:
        body = await wgql(
            OUTCOME,
            headers=writer,
            input={
                "contactId": str(contact_id),
                "outcomeCode": code,
                "expectedVersion": version,
                "idempotencyKey": new_key(),
            },
        )
        return problems(body, "recordAppointmentOutcome")

    assert await outcome(appointment_id, "NOPE") == [("outcomeCode", "UNKNOWN_OUTCOME")]
    assert await outcome(note_id, "ATTC") == [("contactId", "NOT_AN_APPOINTMENT")]
    assert await outcome(1, "ATTC") == [("contactId", "NOT_FOUND")]
    assert await outcome("x1", "ATTC") == [("contactId", "INVALID_INPUT")]


async def test_a_caller_without_a_known_user_may_not_write(
    wgql: GraphQL, tokens: Tokens, staff_cases: list[Case]
) -> None:
    for username in (None, "nobody-at-all"):
        headers = tokens.header(roles=WRITER_ROLES, username=username)
        body = await wgql(SCHEDULE, headers=headers, input=appointment(staff_cases[9]))
        assert problems(body, "scheduleAppointment") == [(None, "UNKNOWN_USER")]


async def test_writing_needs_the_write_role(
    wgql: GraphQL, tokens: Tokens, staff_cases: list[Case], login: str
) -> None:
    headers = tokens.header(roles=(Role.READ_CASES,), username=login)
    body = await wgql(SCHEDULE, headers=headers, input=appointment(staff_cases[9]))
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_a_limited_access_case_is_refused(
    wgql: GraphQL, writer: dict[str, str], sql: Any
) -> None:
    crn = await sql.fetchval(
        "SELECT crn FROM offender WHERE soft_deleted = 0 AND current_restriction = 1 LIMIT 1"
    )
    assert crn
    body = await wgql(
        NOTE,
        headers=writer,
        input={"crn": crn.strip(), "typeCode": "CTOB", "notes": "x", "idempotencyKey": new_key()},
    )
    assert problems(body, "addCaseNote") == [("crn", "LIMITED_ACCESS")]


async def test_a_partner_writes_only_to_cases_it_holds(
    wgql: GraphQL, tokens: Tokens, staff_cases: list[Case], sql: Any
) -> None:
    held = [c for c in await cases(sql, private=True)]
    provider = await sql.fetchval(
        """SELECT pa.code FROM offender_manager om JOIN probation_area pa USING (probation_area_id)
           WHERE om.offender_id = $1 AND om.active_flag = 1 AND om.soft_deleted = 0""",
        held[0].offender_id,
    )
    client_id = f"crc-{provider.strip().lower()}-writer"
    partner = tokens.header(
        roles=(Role.PARTNER, Role.WRITE_CONTACTS), client_id=client_id, provider=provider.strip()
    )
    foreign = await wgql(SCHEDULE, headers=partner, input=appointment(staff_cases[9]))
    assert problems(foreign, "scheduleAppointment") == [("crn", "NOT_FOUND")]

    own = appointment(held[0], externalReference="urn:uk:gov:crc:test:1")
    unknown = await wgql(SCHEDULE, headers=partner, input=own)
    assert problems(unknown, "scheduleAppointment") == [(None, "UNKNOWN_USER")]

    # A partner client writes as the nDelius user named after its client id.
    await add_gateway_user(sql, client_id)
    written = await wgql(SCHEDULE, headers=partner, input=own)
    result = written["data"]["scheduleAppointment"]
    assert result["problems"] == []
    stored = await sql.fetchrow(
        "SELECT external_reference, created_by_user_id FROM contact WHERE contact_id = $1",
        int(result["contact"]["id"]),
    )
    assert stored["external_reference"] == "urn:uk:gov:crc:test:1"
    assert stored["created_by_user_id"] == await sql.fetchval(
        "SELECT user_id FROM user_ WHERE distinguished_name = $1", client_id
    )
    elsewhere = await wgql(
        SCHEDULE, headers=partner, input=appointment(held[0], teamCode=staff_cases[9].team_code)
    )
    assert problems(elsewhere, "scheduleAppointment") == [("teamCode", "OUT_OF_PROVIDER")]


def test_every_problem_code_is_in_the_schema() -> None:
    assert [c.value for c in ProblemCodeType] == [c.value for c in ProblemCode]

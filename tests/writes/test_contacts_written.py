"""Written contacts read back as sent, show at once, and look like nDelius's own rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import GraphQL
from tests.writes.conftest import NOTE, OUTCOME, SCHEDULE, Case, new_key

LONDON = ZoneInfo("Europe/London")


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    day = datetime.now(LONDON).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


async def schedule(gql: GraphQL, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = await gql(SCHEDULE, headers=headers, input={"idempotencyKey": new_key(), **fields})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["scheduleAppointment"]
    return result


async def test_an_appointment_reads_back_as_sent_and_is_the_next_one(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case]
) -> None:
    case = staff_cases[0]
    start, end = tomorrow_at(7), tomorrow_at(7, 45)
    sent = {
        "crn": case.crn,
        "typeCode": "COAP",
        "start": start.isoformat(),
        "end": end.astimezone(ZoneInfo("UTC")).isoformat(),  # any offset names the instant
        "officeLocationCode": case.office_code,
        "eventNumber": case.event_number,
        "notes": "Discuss the housing referral.",
        "externalReference": "urn:test:appointment:1",
    }
    result = await schedule(wgql, writer, **sent)
    assert result["problems"] == []
    assert result["replayed"] is False
    contact = result["contact"]
    assert contact["type"]["code"] == "COAP"
    assert datetime.fromisoformat(contact["start"]) == start
    assert datetime.fromisoformat(contact["end"]) == end
    assert contact["date"] == start.date().isoformat()
    assert contact["notes"] == sent["notes"]
    assert contact["eventNumber"] == case.event_number
    assert contact["staff"]["code"] == case.staff_code  # the case's manager by default
    assert contact["team"]["code"] == case.team_code
    assert contact["version"] == 0
    assert contact["outcome"] is None

    read = await wgql(
        """query($crn: ID!, $from: Date!) { case(crn: $crn) {
             nextAppointment { id start }
             contacts(first: 5, filter: {appointmentsOnly: true, from: $from}) {
               edges { node { id start end notes type { code } eventNumber } } } } }""",
        headers=writer,
        crn=case.crn,
        **{"from": start.date().isoformat()},
    )
    assert "errors" not in read, read
    assert read["data"]["case"]["nextAppointment"]["id"] == contact["id"]
    nodes = [e["node"] for e in read["data"]["case"]["contacts"]["edges"]]
    mine = next(n for n in nodes if n["id"] == contact["id"])
    assert datetime.fromisoformat(mine["start"]) == start
    assert datetime.fromisoformat(mine["end"]) == end
    assert mine["notes"] == sent["notes"]
    assert mine["type"]["code"] == "COAP"
    assert mine["eventNumber"] == case.event_number


async def test_the_row_follows_the_legacy_conventions(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any, login: str
) -> None:
    case = staff_cases[1]
    start = tomorrow_at(16, 30)
    result = await schedule(
        wgql, writer, crn=case.crn, typeCode="COAP", start=start.isoformat(),
        end=tomorrow_at(17).isoformat(), officeLocationCode=case.office_code,
        externalReference="urn:test:appointment:2",
    )  # fmt: skip
    contact_id = int(result["contact"]["id"])
    row = await sql.fetchrow("SELECT * FROM contact WHERE contact_id = $1", contact_id)
    user_id = await sql.fetchval(
        "SELECT user_id FROM user_ WHERE lower(distinguished_name) = lower($1)", login
    )
    assert contact_id >= 2_500_000_000  # from CONTACT_ID_SEQ, above migrated ids
    assert row["offender_id"] == case.offender_id
    assert row["contact_date"] == start.date()
    assert row["contact_start_time"] == datetime(1970, 1, 1, 16, 30)
    assert row["contact_end_time"] == datetime(1970, 1, 1, 17, 0)
    assert row["soft_deleted"] == 0
    assert row["row_version"] == 0
    assert row["sensitive"] == "N"  # COAP's SENSITIVE_CONTACT
    assert row["external_reference"] == "urn:test:appointment:2"
    assert row["created_by_user_id"] == row["last_updated_user_id"] == user_id
    assert row["created_datetime"] == row["last_updated_datetime"]
    assert abs(row["created_datetime"] - datetime.now(LONDON).replace(tzinfo=None)) < timedelta(
        minutes=5
    )
    assert row["attended"] is None
    assert row["complied"] is None


async def filled_columns(sql: Any, type_code: str, exclude: int) -> tuple[set[str], set[str]]:
    """Columns always and ever filled in the seeded live rows of one contact type."""
    columns = [
        r["column_name"]
        for r in await sql.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = 'contact' ORDER BY ordinal_position"
        )
    ]
    always = ", ".join(f"bool_and({c} IS NOT NULL) AS {c}" for c in columns)
    ever = ", ".join(f"bool_or({c} IS NOT NULL) AS {c}" for c in columns)
    where = """FROM contact c WHERE soft_deleted = 0 AND contact_id <> $2
               AND contact_type_id = (SELECT contact_type_id FROM r_contact_type WHERE code = $1)
               AND NOT EXISTS (SELECT 1 FROM casegraph.idempotency i
                               WHERE i.contact_id = c.contact_id)"""
    a = await sql.fetchrow(f"SELECT {always} {where}", type_code, exclude)
    e = await sql.fetchrow(f"SELECT {ever} {where}", type_code, exclude)
    return {c for c in columns if a[c]}, {c for c in columns if e[c]}


async def test_written_rows_have_the_shape_of_legacy_rows_of_their_type(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    case = staff_cases[2]
    appointment = await schedule(
        wgql, writer, crn=case.crn, typeCode="COAP", start=tomorrow_at(10).isoformat(),
        end=tomorrow_at(10, 30).isoformat(), officeLocationCode=case.office_code,
        eventNumber=case.event_number,
    )  # fmt: skip
    note = await wgql(
        NOTE,
        headers=writer,
        input={"idempotencyKey": new_key(), "crn": case.crn, "typeCode": "CTOB",
               "notes": "Phoned to confirm the appointment.", "eventNumber": case.event_number},
    )  # fmt: skip
    written = {
        "COAP": int(appointment["contact"]["id"]),
        "CTOB": int(note["data"]["addCaseNote"]["contact"]["id"]),
    }
    for type_code, contact_id in written.items():
        always, ever = await filled_columns(sql, type_code, contact_id)
        row = await sql.fetchrow("SELECT * FROM contact WHERE contact_id = $1", contact_id)
        filled = {column for column, value in row.items() if value is not None}
        assert always - filled == set(), type_code  # nothing nDelius always fills is missing
        assert filled - ever == set(), type_code  # nothing nDelius never fills is filled
        assert "organisations" not in filled


async def test_a_case_note_is_dated_now_and_takes_the_types_sensitivity(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    case = staff_cases[3]
    body = await wgql(
        NOTE,
        headers=writer,
        input={"idempotencyKey": new_key(), "crn": case.crn, "typeCode": "cmoa ",
               "notes": "Texted a reminder.", "sensitive": True},
    )  # fmt: skip
    result = body["data"]["addCaseNote"]
    assert result["problems"] == []
    contact = result["contact"]
    assert contact["type"]["code"] == "CMOA"
    assert contact["date"] == datetime.now(LONDON).date().isoformat()
    assert contact["sensitive"] is True
    assert contact["notes"] == "Texted a reminder."  # the writer may read sensitive notes
    assert contact["eventNumber"] is None
    stored = await sql.fetchrow(
        "SELECT sensitive, contact_start_time FROM contact WHERE contact_id = $1",
        int(contact["id"]),
    )
    assert stored["sensitive"] == "Y"
    assert stored["contact_start_time"].date() == date(1970, 1, 1)


async def test_an_outcome_copies_its_flags_bumps_the_version_and_refuses_stale_versions(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    case = staff_cases[4]
    booked = await schedule(
        wgql, writer, crn=case.crn, typeCode="COPT", start=tomorrow_at(9).isoformat(),
        notes="Booked.",
    )  # fmt: skip
    contact_id = booked["contact"]["id"]

    def outcome(code: str, version: int, notes: str | None = None) -> dict[str, Any]:
        return {"contactId": contact_id, "outcomeCode": code, "expectedVersion": version,
                "notes": notes, "idempotencyKey": new_key()}  # fmt: skip

    first = await wgql(OUTCOME, headers=writer, input=outcome("AFTA", 0, "No answer."))
    recorded = first["data"]["recordAppointmentOutcome"]
    assert recorded["problems"] == []
    assert recorded["contact"]["outcome"]["code"] == "AFTA"
    assert recorded["contact"]["attended"] is False
    assert recorded["contact"]["complied"] is False
    assert recorded["contact"]["version"] == 1
    assert recorded["contact"]["notes"] == "Booked.\n\nNo answer."

    stale = await wgql(OUTCOME, headers=writer, input=outcome("ATTC", 0))
    conflict = stale["data"]["recordAppointmentOutcome"]
    assert [p["code"] for p in conflict["problems"]] == ["CONFLICT"]
    assert conflict["problems"][0]["field"] == "expectedVersion"
    assert conflict["currentVersion"] == 1
    assert conflict["contact"]["outcome"]["code"] == "AFTA"  # nothing was lost or changed

    changed = await wgql(OUTCOME, headers=writer, input=outcome("RSOF", 1))
    assert changed["data"]["recordAppointmentOutcome"]["contact"]["version"] == 2
    row = await sql.fetchrow(
        "SELECT attended, complied, row_version, contact_outcome_type_id FROM contact "
        "WHERE contact_id = $1",
        int(contact_id),
    )
    assert (row["attended"], row["complied"], row["row_version"]) == ("N", "Y", 2)
    assert row["contact_outcome_type_id"] == 8  # RSOF


async def test_every_write_is_on_the_audit_trail(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    case = staff_cases[5]
    before = await sql.fetchval(
        "SELECT count(*) FROM casegraph.audit_event WHERE crn = $1 AND outcome = 'WRITTEN'",
        case.crn,
    )
    await schedule(wgql, writer, crn=case.crn, typeCode="COPT", start=tomorrow_at(11).isoformat())
    after = await sql.fetchval(
        "SELECT count(*) FROM casegraph.audit_event WHERE crn = $1 AND outcome = 'WRITTEN'",
        case.crn,
    )
    assert after == before + 1

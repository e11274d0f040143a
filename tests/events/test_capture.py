"""Rows written by plain SQL, as nDelius writes them, become the right stored events."""

from __future__ import annotations

import json

import asyncpg

from sandbox.activity import add_registration, book_appointment, find_case, transfer_case
from tests.events.conftest import drain, events_since, last_position


async def test_a_registration_added_by_sql_is_one_event_of_its_case(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    offender_id, crn = await find_case(ndelius, "C01", 0)
    before = await last_position(ndelius)
    await add_registration(ndelius, offender_id)
    await drain(events_dsn)
    events = await events_since(ndelius, before)
    assert [(e["crn"], e["event_type"], e["provider_code"]) for e in events] == [
        (crn, "probation-case.case-note.added", "C01"),
        (crn, "probation-case.registration.added", "C01"),
    ]
    envelope = json.loads(events[1]["envelope"])
    assert envelope["eventType"] == "probation-case.registration.added"
    assert envelope["personReference"] == {"identifiers": [{"type": "CRN", "value": crn}]}
    assert envelope["eventId"] == str(events[1]["event_id"])
    assert envelope["occurredAt"][-6:] in {"+00:00", "+01:00"}
    assert set(envelope) == {
        "eventId",
        "eventType",
        "version",
        "occurredAt",
        "description",
        "detailUrl",
        "additionalInformation",
        "personReference",
    }


async def test_a_transfer_names_the_loser_then_allocates_to_the_gainer(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    offender_id, crn = await find_case(ndelius, "C02", 0)
    before = await last_position(ndelius)
    await transfer_case(ndelius, offender_id, "C03")
    await book_appointment(ndelius, offender_id)
    await drain(events_dsn)
    events = await events_since(ndelius, before)
    assert [
        (e["crn"], e["event_type"], e["provider_code"], e["previous_provider_code"]) for e in events
    ] == [
        (crn, "person.community.manager.transferred", "C03", "C02"),
        (crn, "person.community.manager.allocated", "C03", None),
        (crn, "probation-case.appointment.booked", "C03", None),
    ]


async def test_a_soft_delete_is_a_deletion_and_positions_follow_commit_order(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    offender_id, crn = await find_case(ndelius, None, 3)
    address = await ndelius.fetchval(
        "SELECT min(offender_address_id) FROM offender_address"
        " WHERE offender_id = $1 AND soft_deleted = 0",
        offender_id,
    )
    assert address is not None
    before = await last_position(ndelius)
    await ndelius.execute(
        "UPDATE offender SET telephone_number = '0100 000 0000', row_version = row_version + 1"
        " WHERE offender_id = $1",
        offender_id,
    )
    await ndelius.execute(
        "UPDATE offender_address SET soft_deleted = 1, row_version = row_version + 1"
        " WHERE offender_address_id = $1",
        address,
    )
    await drain(events_dsn)
    events = await events_since(ndelius, before)
    assert [(e["event_type"], e["crn"]) for e in events] == [
        ("probation-case.personal-details.updated", crn),
        ("probation-case.address.deleted", crn),
    ]
    assert [e["position"] for e in events] == [before + 1, before + 2]
    assert json.loads(events[1]["envelope"])["additionalInformation"] == {"addressId": address}


async def test_a_rolled_back_change_and_other_tables_give_no_event(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    offender_id, _ = await find_case(ndelius, None, 4)
    before = await last_position(ndelius)
    transaction = ndelius.transaction()
    await transaction.start()
    await book_appointment(ndelius, offender_id)
    await transaction.rollback()
    await ndelius.execute(
        "UPDATE staff SET forename = forename WHERE staff_id = (SELECT min(staff_id) FROM staff)"
    )
    await drain(events_dsn)
    assert await events_since(ndelius, before) == []


async def test_a_deregistration_is_one_event_and_a_soft_deleted_registration_a_deletion(
    events_dsn: str, ndelius: asyncpg.Connection
) -> None:
    registrations = await ndelius.fetch(
        "SELECT r.registration_id, r.offender_id, o.crn FROM registration r"
        " JOIN offender o ON o.offender_id = r.offender_id AND o.soft_deleted = 0"
        " WHERE r.deregistered = 0 AND r.soft_deleted = 0 ORDER BY r.registration_id LIMIT 2"
    )
    ended, removed = registrations
    before = await last_position(ndelius)
    async with ndelius.transaction():  # as nDelius deregisters: a DEREGISTRATION row, the flag set
        await ndelius.execute(
            "INSERT INTO deregistration (deregistration_id, registration_id, offender_id,"
            " deregistration_date, deregistering_team_id, deregistering_staff_id, contact_id,"
            " created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime)"
            " SELECT nextval('deregistration_id_seq'), registration_id, offender_id, CURRENT_DATE,"
            " registering_team_id, registering_staff_id, contact_id, created_by_user_id,"
            " LOCALTIMESTAMP(0), created_by_user_id, LOCALTIMESTAMP(0)"
            " FROM registration WHERE registration_id = $1",
            ended["registration_id"],
        )
        await ndelius.execute(
            "UPDATE registration SET deregistered = 1, row_version = row_version + 1"
            " WHERE registration_id = $1",
            ended["registration_id"],
        )
    await ndelius.execute(
        "UPDATE registration SET soft_deleted = 1, row_version = row_version + 1"
        " WHERE registration_id = $1",
        removed["registration_id"],
    )
    await drain(events_dsn)
    events = await events_since(ndelius, before)
    assert [(e["crn"], e["event_type"]) for e in events] == [
        (ended["crn"], "probation-case.registration.deregistered"),
        (removed["crn"], "probation-case.registration.deleted"),
    ]
    assert [json.loads(e["envelope"])["additionalInformation"] for e in events] == [
        {"registrationId": ended["registration_id"]},
        {"registrationId": removed["registration_id"]},
    ]

"""Case Graph's own writes give their event exactly once: stored from the outbox row of
the write's transaction, never again from the CONTACT change, nor on a replayed key."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import asyncpg

from adapters.delius.decode import LONDON
from tests.conftest import GraphQL, Tokens
from tests.events.conftest import drain, drain_until, events_since, last_position
from tests.writes.conftest import NOTE, OUTCOME, SCHEDULE, WRITER_ROLES, cases, new_key


async def _writer(ndelius: asyncpg.Connection, tokens: Tokens) -> dict[str, str]:
    login = await ndelius.fetchval(
        "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL AND end_date IS NULL"
        " ORDER BY user_id LIMIT 1"
    )
    return tokens.header(roles=WRITER_ROLES, username=str(login).upper())


async def _sent(gql: GraphQL, document: str, headers: dict[str, str], **fields: Any) -> Any:
    body = await gql(document, headers=headers, input=fields)
    assert "errors" not in body, body
    result = next(iter(body["data"].values()))
    assert result["problems"] == [], result
    return result


async def test_each_mutation_gives_exactly_one_event_even_when_replayed(
    events_dsn: str, ndelius: asyncpg.Connection, egql: GraphQL, tokens: Tokens
) -> None:
    writer = await _writer(ndelius, tokens)
    case = (await cases(ndelius))[0]
    await drain(events_dsn)
    before = await last_position(ndelius)
    start = datetime.combine(datetime.now(LONDON).date() + timedelta(days=2), time(10, 0))
    booking = {
        "idempotencyKey": new_key(), "crn": case.crn, "typeCode": "COAP",
        "start": start.replace(tzinfo=LONDON).isoformat(), "notes": "Booked.",
        "officeLocationCode": case.office_code,
    }  # fmt: skip
    booked = await _sent(egql, SCHEDULE, writer, **booking)
    replayed = await _sent(egql, SCHEDULE, writer, **booking)
    assert replayed["replayed"] is True
    contact_id = booked["contact"]["id"]
    await _sent(
        egql, OUTCOME, writer,
        idempotencyKey=new_key(), contactId=contact_id, outcomeCode="ATTC", expectedVersion=0,
    )  # fmt: skip
    note = await _sent(
        egql, NOTE, writer, idempotencyKey=new_key(), crn=case.crn, typeCode="CMOA", notes="Hi."
    )
    # Each outbox row and its CONTACT change are one transaction, decoded together: once
    # the three events are stored, any duplicate from the CONTACT changes would be too.
    await drain_until(events_dsn, ndelius, before, 3)
    events = await events_since(ndelius, before)
    assert [(e["crn"], e["event_type"]) for e in events] == [
        (case.crn, "probation-case.appointment.booked"),
        (case.crn, "probation-case.appointment.outcome-recorded"),
        (case.crn, "probation-case.case-note.added"),
    ]
    assert [e["provider_code"] for e in events] == [events[0]["provider_code"]] * 3
    assert events[0]["provider_code"] is not None
    contact_ids = [str(e["envelope"]).split('"contactId": ')[1].split("}")[0] for e in events]
    assert contact_ids == [contact_id, contact_id, note["contact"]["id"]]
    outbox = await ndelius.fetchval(
        "SELECT count(*) FROM casegraph.case_event_outbox WHERE contact_id = $1", int(contact_id)
    )
    assert outbox == 2  # one per write; the replay wrote nothing

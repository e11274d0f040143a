"""From a plain-SQL change in nDelius to the right CRC stand-in, through the real capture.

nDelius is changed the way nDelius changes it (``sandbox/activity.py``: one transaction of
plain SQL on the legacy tables); the capture reads it from the replication slot and stores
the event; delivery decides who receives it and posts it, signed. Checked: the holder gets
a registration and no other provider does; a transfer gives the loser the transfer and
nothing after it, the gainer the allocation and what follows; a limited-access case's
events never reach a partner, not even its CRN.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from adapters.delius import DeliusAdapter
from adapters.delius.events_feed.capture import Capture, CaptureOptions
from adapters.delius.events_feed.feed import CaseEventFeed
from api.settings import Settings
from api.webhooks import webhook_delivery
from resolvers.context import Backends
from sandbox.activity import add_registration, book_appointment, find_case, transfer_case
from sandbox.crc import CrcServers
from tests.webhooks.conftest import until

REGISTRATION = "probation-case.registration.added"
APPOINTMENT = "probation-case.appointment.booked"
TRANSFERRED = "person.community.manager.transferred"
ALLOCATED = "person.community.manager.allocated"


@contextlib.asynccontextmanager
async def capturing_and_delivering(
    settings: Settings, delius: DeliusAdapter
) -> AsyncIterator[None]:
    capture = Capture(
        settings.delius_dsn.value,
        CaptureOptions(detail_url="https://casegraph.test", poll_seconds=0.05, retry_seconds=0.2),
    )
    task = asyncio.create_task(capture.run())
    feed = await CaseEventFeed.open(settings.delius_dsn.value)
    try:
        await until(lambda: capture.holding, "the capture holds its lease")
        async with webhook_delivery(settings, Backends(delius=delius, case_events=feed)):
            yield
    finally:
        await feed.aclose()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def events_at(crcs: CrcServers, provider: str, crn: str) -> list[str]:
    """Event types the provider received for a case, first arrivals, in order."""
    return [
        item["envelope"]["eventType"]
        for item in crcs[provider].inbox.received
        if not item["duplicate"] and _crn(item["envelope"]) == crn
    ]


def crns_at(crcs: CrcServers, provider: str) -> set[str]:
    return {_crn(item["envelope"]) for item in crcs[provider].inbox.received}


def _crn(envelope: dict[str, Any]) -> str:
    identifiers = envelope["personReference"]["identifiers"]
    return str(next(i["value"] for i in identifiers if i["type"] == "CRN"))


async def _restrict(db: asyncpg.Connection, offender_id: int) -> None:
    """An active restriction (nobody listed but the system user), as nDelius records it."""
    async with db.transaction():
        await db.execute(
            """
            INSERT INTO RESTRICTION (RESTRICTION_ID, OFFENDER_ID, USER_ID, RESTRICTION_DATE,
                RESTRICTION_TIME, CREATED_BY_USER_ID, CREATED_DATETIME, LAST_UPDATED_USER_ID,
                LAST_UPDATED_DATETIME)
            SELECT coalesce(max(RESTRICTION_ID), 2500000000) + 1, $1, u.USER_ID, CURRENT_DATE,
                   LOCALTIMESTAMP(0), u.USER_ID, LOCALTIMESTAMP(0), u.USER_ID, LOCALTIMESTAMP(0)
            FROM RESTRICTION, (SELECT min(USER_ID) AS USER_ID FROM USER_) u
            GROUP BY u.USER_ID
            """,
            offender_id,
        )
        await db.execute(
            "UPDATE OFFENDER SET CURRENT_RESTRICTION = 1, ROW_VERSION = ROW_VERSION + 1, "
            "LAST_UPDATED_DATETIME = LOCALTIMESTAMP(0) WHERE OFFENDER_ID = $1",
            offender_id,
        )


async def test_plain_sql_changes_reach_the_right_partners(
    webhook_settings: Settings,
    webhook_delius: DeliusAdapter,
    crcs: CrcServers,
    db: asyncpg.Connection,
) -> None:
    stays_id, stays = await find_case(db, "C01", 0)
    moves_id, moves = await find_case(db, "C01", 1)
    hidden_id, hidden = await find_case(db, "C01", 2)
    async with capturing_and_delivering(webhook_settings, webhook_delius):
        await add_registration(db, stays_id)
        await until(lambda: REGISTRATION in events_at(crcs, "C01", stays), "C01 registration")

        await transfer_case(db, moves_id, "C02")
        await add_registration(db, moves_id)
        await book_appointment(db, moves_id)
        await until(lambda: APPOINTMENT in events_at(crcs, "C02", moves), "C02 gets what follows")

        await _restrict(db, hidden_id)
        await add_registration(db, hidden_id)
        await book_appointment(db, stays_id)  # a marker after the hidden case's events
        await until(lambda: APPOINTMENT in events_at(crcs, "C01", stays), "C01 marker")

    assert stays not in crns_at(crcs, "C02")
    assert events_at(crcs, "C01", moves) == [TRANSFERRED]
    gained = events_at(crcs, "C02", moves)
    assert gained[0] == ALLOCATED
    assert [t for t in gained if t in (REGISTRATION, APPOINTMENT)] == [REGISTRATION, APPOINTMENT]
    for code in crcs.instances:
        assert hidden not in crns_at(crcs, code), code
        assert all(hidden not in str(item) for item in crcs[code].inbox.received), code

"""Changes to a few cases, made the way nDelius makes them: plain SQL on the legacy tables.

``casegraph demo --activity`` runs ``run_activity`` beside the API so a new user sees case
events arrive (in GraphiQL's subscription and at a CRC stand-in) without touching anything.
Each change is one transaction by a system user, as nDelius writes it: a registration added
(with its ERGN contact), an appointment booked (a copy of one of the case's appointment
contacts, next week), or a case transferred to another provider's practitioner (the active
OFFENDER_MANAGER row ended and a new one inserted). Tests and the bench call the functions
directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Awaitable, Callable

import asyncpg

log = logging.getLogger("casegraph.activity")

_SYSTEM_USER = "(SELECT min(USER_ID) FROM USER_)"

_ACTIVE_CASE = """
SELECT o.OFFENDER_ID, o.CRN FROM OFFENDER o
JOIN OFFENDER_MANAGER m ON m.OFFENDER_ID = o.OFFENDER_ID AND m.ACTIVE_FLAG = 1
                        AND m.SOFT_DELETED = 0
WHERE o.SOFT_DELETED = 0 AND o.CURRENT_EXCLUSION = 0 AND o.CURRENT_RESTRICTION = 0
  AND ($1::text IS NULL OR m.PROBATION_AREA_ID =
       (SELECT PROBATION_AREA_ID FROM PROBATION_AREA WHERE CODE = $1))
ORDER BY o.OFFENDER_ID OFFSET $2 LIMIT 1
"""

_ADD_REGISTRATION = f"""
WITH template AS (
    SELECT r.* FROM REGISTRATION r WHERE r.OFFENDER_ID = $1 AND r.SOFT_DELETED = 0
    ORDER BY r.REGISTRATION_ID DESC LIMIT 1
), manager AS (
    SELECT * FROM OFFENDER_MANAGER
    WHERE OFFENDER_ID = $1 AND ACTIVE_FLAG = 1 AND SOFT_DELETED = 0 LIMIT 1
), new_contact AS (
    INSERT INTO CONTACT (CONTACT_ID, OFFENDER_ID, CONTACT_TYPE_ID, CONTACT_DATE,
        PROBATION_AREA_ID, TEAM_ID, STAFF_ID, CREATED_BY_USER_ID, CREATED_DATETIME,
        LAST_UPDATED_USER_ID, LAST_UPDATED_DATETIME)
    SELECT nextval('CONTACT_ID_SEQ'), $1,
           (SELECT CONTACT_TYPE_ID FROM R_CONTACT_TYPE WHERE CODE = 'ERGN'), CURRENT_DATE,
           m.PROBATION_AREA_ID, m.TEAM_ID, m.ALLOCATION_STAFF_ID, {_SYSTEM_USER},
           LOCALTIMESTAMP(0), {_SYSTEM_USER}, LOCALTIMESTAMP(0)
    FROM manager m
    RETURNING CONTACT_ID, TEAM_ID, STAFF_ID
)
INSERT INTO REGISTRATION (REGISTRATION_ID, OFFENDER_ID, REGISTER_TYPE_ID, REGISTRATION_DATE,
    NEXT_REVIEW_DATE, REGISTER_LEVEL_ID, REGISTER_CATEGORY_ID, REGISTERING_TEAM_ID,
    REGISTERING_STAFF_ID, CONTACT_ID, DEREGISTERED, REGISTRATION_NOTES, CREATED_BY_USER_ID,
    CREATED_DATETIME, LAST_UPDATED_USER_ID, LAST_UPDATED_DATETIME)
SELECT nextval('REGISTRATION_ID_SEQ'), $1, t.REGISTER_TYPE_ID, CURRENT_DATE,
       CURRENT_DATE + 180, t.REGISTER_LEVEL_ID, t.REGISTER_CATEGORY_ID, c.TEAM_ID, c.STAFF_ID,
       c.CONTACT_ID, 0, 'Added in the demo.', {_SYSTEM_USER}, LOCALTIMESTAMP(0),
       {_SYSTEM_USER}, LOCALTIMESTAMP(0)
FROM template t, new_contact c
"""

_BOOK_APPOINTMENT = f"""
INSERT INTO CONTACT (CONTACT_ID, OFFENDER_ID, CONTACT_TYPE_ID, CONTACT_DATE,
    CONTACT_START_TIME, CONTACT_END_TIME, SENSITIVE, DESCRIPTION, PROBATION_AREA_ID, TEAM_ID,
    STAFF_ID, OFFICE_LOCATION_ID, EVENT_ID, CREATED_BY_USER_ID, CREATED_DATETIME,
    LAST_UPDATED_USER_ID, LAST_UPDATED_DATETIME)
SELECT nextval('CONTACT_ID_SEQ'), c.OFFENDER_ID, c.CONTACT_TYPE_ID, CURRENT_DATE + 7,
       c.CONTACT_START_TIME, c.CONTACT_END_TIME, 'N', c.DESCRIPTION, c.PROBATION_AREA_ID,
       c.TEAM_ID, c.STAFF_ID, c.OFFICE_LOCATION_ID, c.EVENT_ID, {_SYSTEM_USER},
       LOCALTIMESTAMP(0), {_SYSTEM_USER}, LOCALTIMESTAMP(0)
FROM CONTACT c JOIN R_CONTACT_TYPE t ON t.CONTACT_TYPE_ID = c.CONTACT_TYPE_ID
WHERE c.OFFENDER_ID = $1 AND c.SOFT_DELETED = 0 AND t.ATTENDANCE_CONTACT = 'Y'
ORDER BY c.CONTACT_DATE DESC LIMIT 1
"""

_END_MANAGER = f"""
UPDATE OFFENDER_MANAGER SET ACTIVE_FLAG = 0, END_DATE = CURRENT_DATE,
       ROW_VERSION = ROW_VERSION + 1, LAST_UPDATED_USER_ID = {_SYSTEM_USER},
       LAST_UPDATED_DATETIME = LOCALTIMESTAMP(0)
WHERE OFFENDER_ID = $1 AND ACTIVE_FLAG = 1 AND SOFT_DELETED = 0
RETURNING ALLOCATION_REASON_ID
"""

_NEW_MANAGER = f"""
INSERT INTO OFFENDER_MANAGER (OFFENDER_MANAGER_ID, OFFENDER_ID, ALLOCATION_DATE,
    ALLOCATION_STAFF_ID, TEAM_ID, PROBATION_AREA_ID, ALLOCATION_REASON_ID, ACTIVE_FLAG,
    CREATED_BY_USER_ID, CREATED_DATETIME, LAST_UPDATED_USER_ID, LAST_UPDATED_DATETIME)
SELECT nextval('OFFENDER_MANAGER_ID_SEQ'), $1, CURRENT_DATE, st.STAFF_ID, t.TEAM_ID,
       a.PROBATION_AREA_ID, $3, 1, {_SYSTEM_USER}, LOCALTIMESTAMP(0), {_SYSTEM_USER},
       LOCALTIMESTAMP(0)
FROM PROBATION_AREA a
JOIN TEAM t ON t.PROBATION_AREA_ID = a.PROBATION_AREA_ID
JOIN STAFF_TEAM st ON st.TEAM_ID = t.TEAM_ID
WHERE a.CODE = $2
ORDER BY t.TEAM_ID, st.STAFF_ID LIMIT 1
RETURNING OFFENDER_MANAGER_ID
"""


class ActivityError(RuntimeError):
    """A change could not be made (no such case, or nothing to copy from)."""


async def find_case(
    connection: asyncpg.Connection, provider_code: str | None = None, index: int = 0
) -> tuple[int, str]:
    """The ``index``-th open, unrestricted case, held by ``provider_code`` if given."""
    row = await connection.fetchrow(_ACTIVE_CASE, provider_code, index)
    if row is None:
        raise ActivityError(f"no case held by {provider_code or 'anyone'}")
    return int(row["offender_id"]), str(row["crn"])


async def add_registration(connection: asyncpg.Connection, offender_id: int) -> None:
    """A registration added (a copy of the case's latest register type), with its contact."""
    done = await connection.execute(_ADD_REGISTRATION, offender_id)
    if done.endswith(" 0"):
        raise ActivityError("the case has no registration to copy the type of")


async def book_appointment(connection: asyncpg.Connection, offender_id: int) -> None:
    """An appointment booked for next week, like the case's latest one."""
    done = await connection.execute(_BOOK_APPOINTMENT, offender_id)
    if done.endswith(" 0"):
        raise ActivityError("the case has no appointment to copy")


async def transfer_case(connection: asyncpg.Connection, offender_id: int, to_provider: str) -> None:
    """The case moved to a practitioner of ``to_provider``: the active manager row ended and
    a new one inserted, in one transaction."""
    async with connection.transaction():
        reason = await connection.fetchval(_END_MANAGER, offender_id)
        if reason is None:
            raise ActivityError("the case has no active manager")
        if await connection.fetchval(_NEW_MANAGER, offender_id, to_provider, reason) is None:
            raise ActivityError(f"{to_provider} has no practitioner")


async def run_activity(dsn: str, providers: list[str], every: float = 5.0, seed: int = 1) -> None:
    """Make one change every ``every`` seconds until cancelled: registrations, appointments
    and now and then a transfer between ``providers``."""
    rng = random.Random(seed)
    connection = await asyncpg.connect(dsn)
    try:
        while True:
            await asyncio.sleep(every)
            try:
                what = await _one_change(connection, rng, providers)
            except (ActivityError, asyncpg.PostgresError) as error:
                log.info("activity: skipped a change (%s)", type(error).__name__)
                continue
            log.info("activity: %s", what)
    finally:
        await connection.close()


async def _one_change(
    connection: asyncpg.Connection, rng: random.Random, providers: list[str]
) -> str:
    holder = rng.choice(providers) if providers and rng.random() < 0.5 else None
    offender_id, crn = await find_case(connection, holder, rng.randrange(50))
    change: Callable[[asyncpg.Connection, int], Awaitable[None]]
    roll = rng.random()
    if holder is not None and len(providers) > 1 and roll < 0.2:
        target = rng.choice([p for p in providers if p != holder])
        await transfer_case(connection, offender_id, target)
        return f"{crn} transferred from {holder} to {target}"
    change, label = (
        (add_registration, "registration added")
        if roll < 0.6
        else (book_appointment, "appointment booked")
    )
    await change(connection, offender_id)
    return f"{crn}: {label}"


class ActivityThread:
    """``run_activity`` on a thread of its own, beside a server that blocks the main one."""

    def __init__(self, dsn: str, providers: list[str], every: float) -> None:
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(
            target=self._run, args=(dsn, providers, every), name="activity", daemon=True
        )

    def _run(self, dsn: str, providers: list[str], every: float) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(run_activity(dsn, providers, every))
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    def __enter__(self) -> ActivityThread:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        task = self._task
        if task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(task.cancel)
        self._thread.join(timeout=5)

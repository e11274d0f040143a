"""One person's whole case, and a chunk of people generated and copied together.

Each person draws from their own ``random.Random`` seeded by (seed, index) and takes ids
from their own slice of each sequence, so the rows do not depend on chunking, worker
count or scheduling: the same (offenders, seed) always gives the same rows.
"""

from __future__ import annotations

import asyncio
import random

import asyncpg

from sandbox.ndelius.seed.contacts import contact_rows
from sandbox.ndelius.seed.copy import (
    CASE_COLUMNS,
    Rows,
    copy_rows,
    empty_rows,
    skip_foreign_key_checks,
)
from sandbox.ndelius.seed.events import event_rows, plan_events
from sandbox.ndelius.seed.lao import lao_rows
from sandbox.ndelius.seed.managers import home_provider, manager_rows
from sandbox.ndelius.seed.organisation import Organisation
from sandbox.ndelius.seed.people import (
    address_rows,
    alias_rows,
    crn,
    cro,
    ni_number,
    noms,
    person,
    pnc,
    title,
)
from sandbox.ndelius.seed.reference import (
    ETHNICITY_WEIGHTS,
    EXCLUSION_MESSAGE,
    GENDER,
    LANGUAGE_WEIGHTS,
    RESTRICTION_MESSAGE,
    SYSTEM_USER_ID,
    TIERS,
    TODAY_ORD,
    CaseIds,
    day,
    stamp,
)
from sandbox.ndelius.seed.registrations import registration_rows

_ETHNICITY, _ETHNICITY_W = list(ETHNICITY_WEIGHTS), list(ETHNICITY_WEIGHTS.values())
_LANGUAGE, _LANGUAGE_W = list(LANGUAGE_WEIGHTS), list(LANGUAGE_WEIGHTS.values())
_TIER_W = [3, 4, 4, 2, 6, 9, 8, 3, 7, 10, 9, 4, 3, 4, 3, 2]


def person_rng(seed: int, index: int) -> random.Random:
    """The random stream of one person."""
    return random.Random(seed * 1_000_003 + index * 7 + 11)


def build_case(
    index: int, seed: int, offenders: int, organisation: Organisation, rows: Rows
) -> None:
    """Append every row of the person with this index to ``rows``."""
    rng = person_rng(seed, index)
    ids = CaseIds(index)
    offender_id = ids.take("offender")
    user = SYSTEM_USER_ID
    who = person(rng)
    active = rng.random() < 0.6
    plans = plan_events(rng, active, who.date_of_birth)
    home = home_provider(rng, organisation)
    first_day = plans[0].referral
    still_allocated = active or rng.random() < 0.3
    last_day = None
    if not still_allocated:
        last_end = max(plan.terminated or plan.referral for plan in plans)
        last_day = min(max(last_end + rng.randint(0, 30), first_day + 1), TODAY_ORD - 1)
    allocations = manager_rows(
        rng, ids, offender_id, organisation, home, first_day, last_day, user, rows
    )
    event_rows(rng, ids, offender_id, plans, home.court_ids, user, rows)
    rows["offender_address"].extend(
        address_rows(rng, ids, offender_id, home.region, day(first_day - TODAY_ORD), user)
    )
    if rng.random() < 0.10:
        rows["alias"].extend(alias_rows(rng, ids, offender_id, who, user))
    contact_rows(rng, ids, offender_id, plans, allocations, organisation.staff_user, rows)
    colour = registration_rows(
        rng, ids, offender_id, plans, allocations, organisation.staff_user, rows
    )
    excluded, restricted = lao_rows(
        rng, ids, index, offender_id, organisation, allocations.current.staff_id, rows
    )
    language = rng.choices(_LANGUAGE, _LANGUAGE_W)[0]
    interpreter = (
        ("Y" if rng.random() < 0.5 else "N")
        if language != 401
        else ("N" if rng.random() < 0.9 else rng.choice((None, "U")))
    )
    current_disposal = any(p.active and p.sentence is not None for p in plans)
    created = stamp(day(first_day - TODAY_ORD))
    updated = stamp(day(-rng.randint(0, 400))) if active else created
    crn_value = crn(index, seed)
    mobile = f"07{rng.randint(100_000_000, 999_999_999)}" if rng.random() < 0.7 else None
    row = (
        offender_id, crn_value, title(rng, who.gender), who.first_name, who.second_name,
        who.third_name, who.surname, who.preferred_name, who.date_of_birth, GENDER[who.gender],
        rng.choices(_ETHNICITY, _ETHNICITY_W)[0] if rng.random() < 0.95 else None, language,
        interpreter, pnc(rng, who.date_of_birth) if rng.random() < 0.9 else None,
        cro(rng) if rng.random() < 0.6 else None,
        noms(index, seed) if rng.random() < 0.7 else None,
        ni_number(rng) if rng.random() < 0.6 else None,
        f"0{rng.randint(1000, 1999)} {rng.randint(100000, 999999)}" if rng.random() < 0.3
        else None,
        mobile,
        f"{who.first_name}.{who.surname}{rng.randint(1, 99)}@example.com".lower()
        if rng.random() < 0.3 else None,
        rng.choice(("Y", "N", "U")) if mobile else None,
        rng.choices(TIERS, _TIER_W)[0] if rng.random() < 0.9 else None,
        colour, int(current_disposal), int(excluded), int(restricted),
        EXCLUSION_MESSAGE if excluded else None, RESTRICTION_MESSAGE if restricted else None,
        allocations.provider_ids(), rng.randint(0, 12), 0, user, created, user, updated,
    )  # fmt: skip
    rows["offender"].append(row)
    if index % 200 == 42:  # a duplicate record, merged and soft-deleted, sharing the CRN
        duplicate_id = ids.take("offender")
        rows["offender"].append(
            (duplicate_id, *row[1:8], day(who.date_of_birth.toordinal() - TODAY_ORD + 1),
             *row[9:15], None, *row[16:23], 0, 0, 0, None, None, row[28], row[29], 1, *row[31:])
        )  # fmt: skip
        who_then = allocations.at(first_day)
        rows["offender_manager"].append((
            ids.take("offender_manager"), duplicate_id, day(first_day - TODAY_ORD), None,
            who_then.staff_id, who_then.team_id, who_then.provider.provider_id, 1501, 1, 0, 0,
            user, created, user, created,
        ))  # fmt: skip
    if index % 100 == 7:  # a record created in error, soft-deleted, with its own CRN
        rows["offender"].append(
            (ids.take("offender"), crn(offenders + index, seed), *row[2:15], None,
             *row[16:23], 0, 0, 0, None, None, None, row[29], 1, *row[31:])
        )  # fmt: skip


def generate_chunk(
    seed: int, offenders: int, start: int, stop: int, organisation: Organisation
) -> Rows:
    """The rows of people ``start`` to ``stop - 1``."""
    rows = empty_rows(tuple(CASE_COLUMNS))
    for index in range(start, stop):
        build_case(index, seed, offenders, organisation, rows)
    return rows


async def seed_chunk(
    dsn: str,
    seed: int,
    offenders: int,
    start: int,
    stop: int,
    organisation: Organisation,
    shift_days: int = 0,
) -> dict[str, int]:
    """Generate and COPY one chunk of people in one transaction; return rows per table."""
    rows = generate_chunk(seed, offenders, start, stop, organisation)
    connection = await asyncpg.connect(dsn)
    try:
        await skip_foreign_key_checks(connection)
        async with connection.transaction():
            await copy_rows(connection, rows, CASE_COLUMNS, shift_days)
    finally:
        await connection.close()
    return {table: len(records) for table, records in rows.items()}


def run_chunk(
    dsn: str,
    seed: int,
    offenders: int,
    start: int,
    stop: int,
    organisation: Organisation,
    shift_days: int = 0,
) -> dict[str, int]:
    """``seed_chunk`` for a worker process."""
    return asyncio.run(seed_chunk(dsn, seed, offenders, start, stop, organisation, shift_days))

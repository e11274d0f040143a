"""A seed for another "today" is the same seed, moved in time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import asyncpg

from sandbox.ndelius.seed import SEED_TODAY, SeedReport

SHIFT = timedelta(days=40)
CONTACTS = """SELECT contact_id, contact_date, contact_start_time, created_datetime
              FROM contact ORDER BY contact_id"""


async def fetch(dsn: str, query: str) -> list[Any]:
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch(query))
    finally:
        await connection.close()


async def test_dates_move_and_dummy_times_stay(
    seeded: tuple[str, SeedReport],
    seed_into: Callable[..., Awaitable[tuple[str, SeedReport]]],
) -> None:
    moved_dsn, _ = await seed_into("moved", seed=1, today=SEED_TODAY + SHIFT)
    before, after = await fetch(seeded[0], CONTACTS), await fetch(moved_dsn, CONTACTS)
    assert len(before) == len(after) > 0
    for old, new in zip(before, after, strict=True):
        assert new["contact_id"] == old["contact_id"]
        assert new["contact_date"] == old["contact_date"] + SHIFT
        assert new["created_datetime"] == old["created_datetime"] + SHIFT
        if old["contact_start_time"] is not None and old["contact_start_time"].year == 1970:
            assert new["contact_start_time"] == old["contact_start_time"]
    births = "SELECT date_of_birth_date FROM offender ORDER BY offender_id"
    assert [r[0] + SHIFT for r in await fetch(seeded[0], births)] == [
        r[0] for r in await fetch(moved_dsn, births)
    ]

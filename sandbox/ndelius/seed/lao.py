"""Limited access offenders: exclusions (blacklist) and restrictions (whitelist).

About 0.5% of people are limited: which ones follows from the person's index, so every
seed of a few hundred people has some. One in a thousand has only an expired exclusion,
which must no longer limit anyone.
"""

from __future__ import annotations

import random
from datetime import datetime

from sandbox.ndelius.seed.copy import Rows
from sandbox.ndelius.seed.organisation import Organisation
from sandbox.ndelius.seed.reference import SYSTEM_USER_ID, TODAY_ORD, CaseIds, day, stamp


def limited_access(index: int) -> str | None:
    """Which kind of limited access the person with this index has, if any."""
    if index % 200 == 17:
        return "exclusion"
    if index % 200 == 117:
        return "restriction"
    if index % 1000 == 567:
        return "expired"
    return None


def lao_rows(
    rng: random.Random,
    ids: CaseIds,
    index: int,
    offender_id: int,
    organisation: Organisation,
    manager_staff_id: int,
    rows: Rows,
) -> tuple[bool, bool]:
    """Exclusion/restriction rows; returns (currently excluded, currently restricted)."""
    kind = limited_access(index)
    if kind is None:
        return False, False
    manager_user = organisation.staff_user.get(manager_staff_id)
    others = [u for u in organisation.user_ids if u != manager_user]
    start = day(-rng.randint(30, 1500))
    created = stamp(start)
    audit = (0, SYSTEM_USER_ID, created, SYSTEM_USER_ID, created)
    if kind == "restriction":
        allowed = [manager_user] if manager_user else []
        allowed += rng.sample(others, 2 - len(allowed))
        for user_id in allowed:
            rows["restriction"].append((
                ids.take("restriction"), offender_id, user_id, start,
                datetime(start.year, start.month, start.day, 10, 30), None, *audit,
            ))  # fmt: skip
        return False, True
    excluded = rng.sample(others, 1 if kind == "expired" else rng.randint(1, 2))
    for position, user_id in enumerate(excluded):
        if kind == "expired":
            ends: datetime | None = stamp(day(-rng.randint(1, 25)), 17)
        elif position == 1:
            ends = stamp(day(rng.randint(30, 400)), 17)  # still active: ends in the future
        else:
            ends = None
        rows["exclusion"].append((ids.take("exclusion"), offender_id, user_id, start, ends,
                                  *audit))  # fmt: skip
    if kind == "exclusion" and rng.random() < 0.5:
        user_id = rng.choice([u for u in others if u not in excluded])
        ended = stamp(day(-rng.randint(1, max(2, TODAY_ORD - start.toordinal() - 1))), 17)
        rows["exclusion"].append((ids.take("exclusion"), offender_id, user_id, start, ended,
                                  *audit))  # fmt: skip
    return kind == "exclusion", False

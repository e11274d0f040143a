"""Registrations (risk flags) with their contacts, reviews and deregistrations.

Most people with an active event hold exactly one active RoSH registration (the OASys
stand-in agrees with it). Each registration writes an ERGN contact and each
deregistration an ERGD contact, as nDelius does.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from sandbox.ndelius.seed.contacts import contact
from sandbox.ndelius.seed.copy import Rows
from sandbox.ndelius.seed.events import EventPlan
from sandbox.ndelius.seed.managers import Allocations
from sandbox.ndelius.seed.reference import (
    COLOUR_RANK,
    CONTACT_ERGD,
    CONTACT_ERGN,
    IOM_CATEGORY,
    IOM_TYPE,
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    MAPPA_TYPE,
    OTHER_REGISTER_WEIGHTS,
    REGISTER_COLOUR,
    REVIEW_MONTHS,
    ROSH_WEIGHTS,
    SYSTEM_USER_ID,
    TODAY_ORD,
    CaseIds,
    stamp,
)

_D = date.fromordinal
_ROSH, _ROSH_W = list(ROSH_WEIGHTS), list(ROSH_WEIGHTS.values())
_DEREGISTRATION_NOTES = "No longer meets the criteria for this register."


def registration_rows(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plans: list[EventPlan],
    allocations: Allocations,
    staff_user: Mapping[int, int],
    rows: Rows,
) -> str | None:
    """2-6 live registrations; returns the colour of the worst active one (or None)."""
    active = [plan for plan in plans if plan.active]
    low = plans[0].referral
    high = TODAY_ORD - 1 if active else max(p.terminated or p.referral for p in plans)
    high = max(min(high, TODAY_ORD - 1), low)
    total = rng.choices((2, 3, 4, 5, 6), (30, 30, 20, 12, 8))[0]
    planned: list[tuple[int, int, int | None]] = []  # (type, registered, deregistered)
    if active and rng.random() < 0.92:
        since = rng.randint(min(p.referral for p in active), TODAY_ORD - 1)
        level = rng.choices(_ROSH, _ROSH_W)[0]
        if rng.random() < 0.4 and since - 60 > low:
            before = rng.choice([r for r in _ROSH if r != level])
            planned.append((before, rng.randint(low, since - 60), since))
        planned.append((level, since, None))
    elif not active and rng.random() < 0.6:
        since = rng.randint(low, high)
        planned.append((rng.choices(_ROSH, _ROSH_W)[0], since, _end(rng, since, high, 0.5)))
    others = dict(OTHER_REGISTER_WEIGHTS)
    while len(planned) < total:
        kind = rng.choices(list(others), list(others.values()))[0]
        del others[kind]
        since = rng.randint(low, high)
        planned.append((kind, since, _end(rng, since, high, 0.3 if active else 0.6)))
    worst = None
    for kind, since, ended in planned:
        _register(rng, ids, offender_id, kind, since, ended, allocations, staff_user, rows, 0)
        colour = REGISTER_COLOUR[kind]
        if ended is None and (worst is None or COLOUR_RANK[colour] > COLOUR_RANK[worst]):
            worst = colour
    if rng.random() < 0.02:  # a Very High RoSH flag raised in error and soft-deleted
        since = rng.randint(low, high)
        _register(rng, ids, offender_id, 4, since, None, allocations, staff_user, rows, 1)
    return worst


def _end(rng: random.Random, since: int, high: int, chance: float) -> int | None:
    if rng.random() >= chance or since + 30 > TODAY_ORD - 1:
        return None
    return rng.randint(since + 30, max(since + 30, min(high, TODAY_ORD - 1)))


def _register(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    kind: int,
    since: int,
    ended: int | None,
    allocations: Allocations,
    staff_user: Mapping[int, int],
    rows: Rows,
    deleted: int,
) -> None:
    who = allocations.at(since)
    user = staff_user.get(who.staff_id, SYSTEM_USER_ID)
    contact_id = ids.take("contact")
    rows["contact"].append(
        contact(contact_id, offender_id, CONTACT_ERGN, since, who, None, user, None, deleted)
    )
    level = category = review = None
    if kind == MAPPA_TYPE:
        level = rng.choices(list(MAPPA_LEVELS), list(MAPPA_LEVELS.values()))[0]
        category = rng.choices(list(MAPPA_CATEGORIES), list(MAPPA_CATEGORIES.values()))[0]
    elif kind == IOM_TYPE:
        category = IOM_CATEGORY
    if ended is None:
        period = int(REVIEW_MONTHS.get(kind, 6) * 30.44)
        review = since + period * max(1, (TODAY_ORD - since) // period + 1)
        if rng.random() < 0.12 and review - period > since:
            review -= period  # overdue
    registration_id = ids.take("registration")
    created = stamp(_D(since))
    updated = stamp(_D(ended)) if ended else created
    rows["registration"].append((
        registration_id, offender_id, kind, _D(since), _D(review) if review else None, level,
        category, who.team_id, who.staff_id, contact_id, int(ended is not None), None,
        0, deleted, user, created, user, updated,
    ))  # fmt: skip
    if ended is None:
        return
    by = allocations.at(ended)
    by_user = staff_user.get(by.staff_id, SYSTEM_USER_ID)
    contact_id = ids.take("contact")
    rows["contact"].append(contact(contact_id, offender_id, CONTACT_ERGD, ended, by, None,
                                   by_user, _DEREGISTRATION_NOTES, deleted))  # fmt: skip
    rows["deregistration"].append((
        ids.take("deregistration"), registration_id, offender_id, _D(ended), by.team_id,
        by.staff_id, contact_id, 0, deleted, by_user, updated, by_user, updated,
    ))  # fmt: skip

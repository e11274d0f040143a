"""Contacts: the case's activity log, and by far the largest table.

Appointments in the past carry an outcome (ATTENDED/COMPLIED copied from it); future
ones (1-8 weeks ahead) carry none. Times sit on the dummy day 1970-01-01, except ~5%
with the real day and ~10% with no time. Appointments of CRC-held cases often carry the
partner system's URN. This module is the hot path: plain tuples, bound methods, no
per-row allocation beyond the row itself.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sandbox.ndelius.seed.copy import Row, Rows
from sandbox.ndelius.seed.events import EventPlan
from sandbox.ndelius.seed.managers import Allocation, Allocations
from sandbox.ndelius.seed.pools import CONTACT_NOTES
from sandbox.ndelius.seed.reference import (
    APPOINTMENT_TYPES,
    CONTACT_EAPP,
    NOTE_TYPES,
    OFFICE_TYPES,
    OUTCOMES,
    RAR_TYPES,
    SYSTEM_USER_ID,
    TODAY_ORD,
    CaseIds,
)

_D = date.fromordinal
_SLOTS = tuple(datetime(1970, 1, 1, 9) + timedelta(minutes=15 * n) for n in range(33))
_LENGTHS = tuple(timedelta(minutes=m) for m in (15, 30, 30, 45, 60, 60))
_RESERVED = 48  # contact ids kept back for registrations and deregistrations


class _Weighted:
    """Draws a key by weight from one uniform number (cheaper than random.choices)."""

    __slots__ = ("_cumulative", "_keys", "_total")

    def __init__(self, weights: Mapping[int, int]) -> None:
        self._keys = list(weights)
        self._cumulative = list(itertools.accumulate(weights.values()))
        self._total = self._cumulative[-1]

    def __call__(self, uniform: float) -> int:
        return self._keys[bisect.bisect_right(self._cumulative, uniform * self._total)]


_APPOINTMENT = _Weighted(APPOINTMENT_TYPES)
_NOTE = _Weighted(NOTE_TYPES)
_OUTCOME = _Weighted({key: value[0] for key, value in OUTCOMES.items()})


def contact(
    contact_id: int,
    offender_id: int,
    type_id: int,
    day: int,
    who: Allocation,
    event_id: int | None,
    user: int,
    notes: str | None = None,
    deleted: int = 0,
) -> Row:
    """A system-style contact (no time, no outcome) on ``day`` by ``who``."""
    created = datetime(*_D(day).timetuple()[:3], 9)
    return (
        contact_id, offender_id, type_id, _D(day), None, None, None, None, None, "N", None,
        notes, None, who.provider.provider_id, who.team_id, who.staff_id, None, event_id, None,
        0, deleted, user, created, user, created,
    )  # fmt: skip


def contact_rows(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plans: list[EventPlan],
    allocations: Allocations,
    staff_user: Mapping[int, int],
    rows: Rows,
) -> None:
    """Every contact of one person: court appearances, the log of each event."""
    out = rows["contact"]
    for plan in plans:
        heard = plan.sentence or plan.referral
        who = allocations.at(heard)
        out.append(contact(ids.take("contact"), offender_id, CONTACT_EAPP, heard, who,
                           plan.event_id, SYSTEM_USER_ID))  # fmt: skip
    for plan in plans:
        budget = ids.remaining("contact") - _RESERVED
        if plan.active:
            low = max(plan.sentence or plan.referral, TODAY_ORD - 3 * 365)
            years = max(TODAY_ORD - low, 30) / 365.25
            past = min(int(rng.uniform(50, 200) * years), budget)
            future = rng.randint(1, 6) if plan.sentence else rng.randint(0, 1)
            _log(rng, ids, offender_id, plan, allocations, staff_user, out, low, TODAY_ORD - 1,
                 past)  # fmt: skip
            _future(rng, ids, offender_id, plan, allocations.current, staff_user, out, future)
        else:
            high = max(plan.terminated or plan.referral + 60, plan.referral + 1)
            high = min(high, TODAY_ORD - 1)
            _log(rng, ids, offender_id, plan, allocations, staff_user, out, plan.referral, high,
                 min(rng.randint(2, 10), budget))  # fmt: skip


def _log(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plan: EventPlan,
    allocations: Allocations,
    staff_user: Mapping[int, int],
    out: list[Row],
    low: int,
    high: int,
    count: int,
) -> None:
    rnd, randint, choice, bits = rng.random, rng.randint, rng.choice, rng.getrandbits
    take, at, user_of = ids.take, allocations.at, staff_user.get
    event_id, rar_id = plan.event_id, plan.rar_id
    for _ in range(count):
        day = randint(low, high)
        who = at(day)
        provider = who.provider
        on = _D(day)
        if rnd() < 0.55:
            type_id = _APPOINTMENT(rnd())
            outcome = _OUTCOME(rnd()) if day < TODAY_ORD - 7 or rnd() < 0.7 else None
            _, attended, complied = OUTCOMES[outcome] if outcome else (0, None, None)
            office = choice(provider.office_ids) if type_id in OFFICE_TYPES else None
            urn = (f"urn:uk:gov:crc:{provider.code}:appointment:{bits(64):016x}"
                   if provider.private and rnd() < 0.7 else None)  # fmt: skip
            notes = choice(CONTACT_NOTES) if rnd() < 0.3 else None
            rar = "Y" if rar_id and type_id in RAR_TYPES and rnd() < 0.3 else None
        else:
            type_id, outcome, attended, complied = _NOTE(rnd()), None, None, None
            office = urn = rar = None
            notes = choice(CONTACT_NOTES)
        start, end = _times(rnd(), on, rng)
        user = user_of(who.staff_id, SYSTEM_USER_ID)
        created = datetime(on.year, on.month, on.day, 18)
        out.append((
            take("contact"), offender_id, type_id, on, start, end, outcome, attended, complied,
            "Y" if rnd() < 0.03 else "N", rar, notes, urn, provider.provider_id, who.team_id,
            who.staff_id, office, event_id if rnd() < 0.92 else None, rar_id if rar else None,
            0, 1 if rnd() < 0.02 else 0, user, created, user, created,
        ))  # fmt: skip


def _times(roll: float, on: date, rng: random.Random) -> tuple[datetime | None, datetime | None]:
    if roll < 0.10:
        return None, None
    slot = _SLOTS[int(rng.random() * 33)]
    if roll < 0.15:
        slot = slot.replace(year=on.year, month=on.month, day=on.day)
    return slot, slot + _LENGTHS[int(rng.random() * 6)]


def _future(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plan: EventPlan,
    who: Allocation,
    staff_user: Mapping[int, int],
    out: list[Row],
    count: int,
) -> None:
    """Booked appointments 1-8 weeks ahead; sometimes a cancelled, soft-deleted earlier one."""
    provider = who.provider
    user = staff_user.get(who.staff_id, SYSTEM_USER_ID)
    days = sorted(rng.sample(range(TODAY_ORD + 7, TODAY_ORD + 57), count))
    if days and rng.random() < 0.25:
        days.insert(0, -(TODAY_ORD + rng.randint(1, 6)))  # negative: soft-deleted
    for signed in days:
        day = abs(signed)
        on = _D(day)
        type_id = _APPOINTMENT(rng.random())
        start, end = _times(rng.random(), on, rng)
        office = rng.choice(provider.office_ids) if type_id in OFFICE_TYPES else None
        urn = (f"urn:uk:gov:crc:{provider.code}:appointment:{rng.getrandbits(64):016x}"
               if provider.private and rng.random() < 0.7 else None)  # fmt: skip
        booked = _D(TODAY_ORD - rng.randint(1, 30))
        created = datetime(booked.year, booked.month, booked.day, 11)
        out.append((
            ids.take("contact"), offender_id, type_id, on, start, end, None, None, None, "N",
            None, None, urn, provider.provider_id, who.team_id, who.staff_id, office,
            plan.event_id, None, 0, int(signed < 0), user, created, user, created,
        ))  # fmt: skip

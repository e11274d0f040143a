"""Events and what hangs off them: offences, court appearances, sentences, requirements,
custody and key dates.

``plan_events`` lays out a person's timeline (dates as day ordinals); ``event_rows``
turns it into rows. Soft-deleted duplicates are planted on purpose: a second event with
the same number, a replaced disposal, a corrected offence, a requirement entered twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sandbox.ndelius.seed.copy import Rows
from sandbox.ndelius.seed.reference import (
    APPEARANCE_ADJOURNED,
    APPEARANCE_SENTENCE,
    COMMUNITY,
    CUSTODIAL,
    CUSTODY_STATUS,
    DISPOSAL_WEIGHTS,
    KEY_DATE_TYPE,
    LENGTHS,
    OFFENCE_WEIGHTS,
    OUTCOME_ADJOURNED,
    OUTCOME_COMMUNITY,
    OUTCOME_CUSTODY,
    PLEA_GUILTY,
    PLEA_NOT_GUILTY,
    PRISONS,
    RAR_CATEGORY,
    RQMNT_CATEGORIES,
    SUPERVISED_WEIGHTS,
    TODAY_ORD,
    UNITS_MONTHS,
    CaseIds,
    stamp,
)

_D = date.fromordinal
_MONTH = 30.44
_OFFENCES, _OFFENCE_W = list(OFFENCE_WEIGHTS), list(OFFENCE_WEIGHTS.values())


@dataclass(slots=True)
class EventPlan:
    """One event's timeline, shared with managers, registrations and contacts."""

    referral: int
    active: bool
    sentence: int | None = None
    disposal_type: int | None = None
    length: int | None = None
    end: int | None = None  # notional end of the sentence
    terminated: int | None = None
    event_id: int = 0
    rar_id: int | None = None


def plan_events(rng: random.Random, active: bool, born: date) -> list[EventPlan]:
    """A person's events, oldest first; the newest is active when the case is."""
    count = rng.choices((1, 2, 3, 4, 5), (50, 27, 12, 7, 4))[0]
    adult = born.toordinal() + 6575
    plans: list[EventPlan] = []
    if active:
        if rng.random() < 0.08:
            plans.append(EventPlan(TODAY_ORD - rng.randint(5, 70), True))
        else:
            elapsed = min(int(rng.expovariate(1 / 330)) + 14, 3 * 365 + 200)
            plans.append(_sentenced(rng, TODAY_ORD - elapsed, True))
            if count >= 2 and rng.random() < 0.2:
                plans.append(_sentenced(rng, plans[0].referral - rng.randint(30, 365), True))
    else:
        plans.append(_sentenced(rng, TODAY_ORD - rng.randint(400, 3000), False))
    while len(plans) < count:
        referral = plans[-1].referral - rng.randint(200, 1500)
        if referral < adult:
            break
        plans.append(_sentenced(rng, referral, False))
    plans.reverse()
    return plans


def _sentenced(rng: random.Random, referral: int, active: bool) -> EventPlan:
    referral = max(referral, TODAY_ORD - 20 * 365)
    sentence = min(referral + rng.randint(0, 42), TODAY_ORD - 1)
    weights = SUPERVISED_WEIGHTS if active else DISPOSAL_WEIGHTS
    kind = rng.choices(list(weights), list(weights.values()))[0]
    plan = EventPlan(referral, active, sentence, kind)
    lengths = LENGTHS[kind]
    if not lengths:
        plan.terminated = sentence
        return plan
    if active:
        fitting = [m for m in lengths if sentence + m * _MONTH > TODAY_ORD + 14]
        elapsed = int((TODAY_ORD - sentence) / _MONTH)
        plan.length = rng.choice(fitting) if fitting else elapsed + rng.randint(2, 12)
    else:
        plan.length = rng.choice(lengths)
    plan.end = sentence + int(plan.length * _MONTH)
    if not active:
        if plan.end < TODAY_ORD - 1 and rng.random() < 0.8:
            plan.terminated = plan.end
        else:
            plan.terminated = rng.randint(
                sentence + 1, max(sentence + 1, min(plan.end, TODAY_ORD - 1))
            )
    return plan


def event_rows(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plans: list[EventPlan],
    court_ids: tuple[int, ...],
    user: int,
    rows: Rows,
) -> None:
    """Rows for every planned event, with its offences, appearance and sentence."""
    for number, plan in enumerate(plans, start=1):
        plan.event_id = ids.take("event")
        _event(rng, ids, offender_id, plan, str(number), rng.choice(court_ids), user, rows, 0)
    if rng.random() < 0.015:  # a duplicate entered in error, then soft-deleted
        ghost = EventPlan(plans[-1].referral, True)
        ghost.event_id = ids.take("event")
        _event(rng, ids, offender_id, ghost, str(len(plans)), court_ids[0], user, rows, 1)


def _event(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plan: EventPlan,
    number: str,
    court_id: int,
    user: int,
    rows: Rows,
    deleted: int,
) -> None:
    created = stamp(_D(plan.referral))
    audit = (0, deleted, user, created, user, created)
    kind = plan.disposal_type
    community = kind in COMMUNITY
    breach = plan.active and community and rng.random() < 0.05
    ftc = (
        (rng.randint(2, 3) if breach else rng.choices((0, 1, 2), (70, 25, 5))[0])
        if community
        else None
    )
    conviction = (
        plan.sentence
        if plan.sentence
        else (min(plan.referral + rng.randint(0, 28), TODAY_ORD) if rng.random() < 0.5 else None)
    )
    rows["event"].append((
        plan.event_id, offender_id, number, _D(plan.referral),
        _D(conviction) if conviction else None, court_id, int(breach), None, ftc, None,
        int(plan.active), *audit,
    ))  # fmt: skip
    offence = rng.choices(_OFFENCES, _OFFENCE_W)[0]
    offence_day = _D(plan.referral - rng.randint(1, 120))
    rows["main_offence"].append((
        ids.take("main_offence"), plan.event_id, offender_id, offence, offence_day,
        1 if rng.random() < 0.9 else rng.randint(2, 3),
        rng.randint(1, 10) if rng.random() < 0.05 else None, *audit,
    ))  # fmt: skip
    if deleted or rng.random() < 0.02:  # the offence as first (wrongly) entered
        rows["main_offence"].append((
            ids.take("main_offence"), plan.event_id, offender_id,
            rng.choices(_OFFENCES, _OFFENCE_W)[0], offence_day, 1, None, 0, 1, user, created,
            user, created,
        ))  # fmt: skip
    if not deleted and rng.random() < 0.2:
        for _ in range(rng.choice((1, 1, 2))):
            rows["additional_offence"].append((
                ids.take("additional_offence"), plan.event_id,
                rng.choices(_OFFENCES, _OFFENCE_W)[0], offence_day, 1, *audit,
            ))  # fmt: skip
    if deleted:
        return
    heard = plan.sentence or conviction or plan.referral
    outcome = (OUTCOME_COMMUNITY if community else OUTCOME_CUSTODY if kind in CUSTODIAL
               else OUTCOME_ADJOURNED if kind is None else None)  # fmt: skip
    rows["court_appearance"].append((
        ids.take("court_appearance"), plan.event_id, offender_id, court_id,
        datetime(*_D(heard).timetuple()[:3], 10), APPEARANCE_SENTENCE if kind else
        APPEARANCE_ADJOURNED, PLEA_GUILTY if rng.random() < 0.9 else PLEA_NOT_GUILTY, outcome,
        *audit,
    ))  # fmt: skip
    if kind is not None:
        _disposal(rng, ids, offender_id, plan, user, rows)


def _disposal(
    rng: random.Random, ids: CaseIds, offender_id: int, plan: EventPlan, user: int, rows: Rows
) -> None:
    assert plan.sentence is not None
    assert plan.disposal_type is not None
    kind, start = plan.disposal_type, plan.sentence
    created = stamp(_D(start))
    updated = stamp(_D(plan.terminated)) if plan.terminated else created
    disposal_id = ids.take("disposal")
    categories: list[int] = []
    if kind == 1 or (kind == 2 and rng.random() < 0.6):
        pool = dict(RQMNT_CATEGORIES)
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            pick = rng.choices(list(pool), [v[0] for v in pool.values()])[0]
            categories.append(pick)
            del pool[pick]
    entered = plan.end + rng.randint(1, 30) if plan.end and rng.random() < 0.03 else None
    value = rng.randint(50, 1500) if kind == 7 else None
    row = (
        disposal_id, plan.event_id, offender_id, kind, _D(start), plan.length,
        UNITS_MONTHS if plan.length else None, _D(plan.end) if plan.end else None,
        _D(entered) if entered else None, _D(plan.terminated) if plan.terminated else None,
        int(2 in categories), value, int(plan.terminated is None),
        0, 0, user, created, user, updated,
    )  # fmt: skip
    rows["disposal"].append(row)
    if rng.random() < 0.015:  # the sentence as first entered, replaced
        other = 1 if kind != 1 else 2
        rows["disposal"].append((ids.take("disposal"), *row[1:3], other, *row[4:13], 0, 1,
                                 *row[15:]))  # fmt: skip
    for category in categories:
        _requirement(rng, ids, offender_id, plan, disposal_id, category, user, rows)
    if kind in CUSTODIAL:
        _custody(rng, ids, offender_id, plan, disposal_id, user, rows)


def _requirement(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plan: EventPlan,
    disposal_id: int,
    category: int,
    user: int,
    rows: Rows,
) -> None:
    assert plan.sentence is not None
    assert plan.end is not None
    _, subs, unit, lengths = RQMNT_CATEGORIES[category]
    start, length = plan.sentence, rng.choice(lengths)
    expected_end = start + int(length * _MONTH) if unit == UNITS_MONTHS else plan.end
    terminated = plan.terminated
    if terminated is None and expected_end < TODAY_ORD:
        terminated = expected_end
    elif terminated is not None and unit == UNITS_MONTHS:
        terminated = min(terminated, expected_end)
    commenced = start + rng.randint(0, 14)
    rar = None
    if category == RAR_CATEGORY:
        done = (TODAY_ORD - start) / max(plan.end - start, 1)
        rar = length if terminated else min(length, int(length * done))
    rqmnt_id = ids.take("rqmnt")
    if category == RAR_CATEGORY and terminated is None:
        plan.rar_id = rqmnt_id
    created = stamp(_D(start))
    row = (
        rqmnt_id, disposal_id, offender_id, category, rng.choice(subs), _D(start),
        _D(commenced) if commenced <= TODAY_ORD else None, _D(start), _D(expected_end),
        _D(terminated) if terminated else None, length, rar, int(terminated is None),
        0, 0, user, created, user, created,
    )  # fmt: skip
    rows["rqmnt"].append(row)
    if rng.random() < 0.02:
        rows["rqmnt"].append((ids.take("rqmnt"), *row[1:14], 1, *row[15:]))


def _custody(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    plan: EventPlan,
    disposal_id: int,
    user: int,
    rows: Rows,
) -> None:
    assert plan.sentence is not None
    assert plan.end is not None
    assert plan.length is not None
    start, expiry = plan.sentence, plan.end
    release = start + (expiry - start) // 2
    if plan.terminated is not None:
        status, changed = CUSTODY_STATUS["T"], plan.terminated
    elif release > TODAY_ORD:
        status, changed = CUSTODY_STATUS["A"], start
    elif rng.random() < 0.07:
        status, changed = CUSTODY_STATUS["C"], rng.randint(release, TODAY_ORD)
    else:
        status, changed = CUSTODY_STATUS["B"], release
    created = stamp(_D(start))
    custody_id = ids.take("custody")
    pss = release + 365 if plan.disposal_type in (3, 5) and plan.length <= 24 else None
    rows["custody"].append((
        custody_id, disposal_id, offender_id, status, _D(changed),
        f"{rng.choice('ABCDEFGHJK')}{rng.randint(10000, 99999)}", rng.choice(PRISONS), "Y",
        _D(start), _D(release) if pss else None, 0, 0, user, created, user, created,
    ))  # fmt: skip
    dates = {"SED": expiry, "ACR": release, "EXP": release}
    if plan.disposal_type in (4, 5):
        dates["LED"] = expiry
    if 3 <= plan.length <= 48 and release - 135 > start + 28:
        dates["HDE"] = release - 135
    if plan.disposal_type == 4 and plan.length >= 48:
        dates["PED"] = start + (expiry - start) // 3
    if pss:
        dates["PSSED"] = pss
    for code, when in dates.items():
        rows["key_date"].append((ids.take("key_date"), custody_id, KEY_DATE_TYPE[code], _D(when),
                                 0, 0, user, created, user, created))  # fmt: skip

"""The person on probation: identity, identifiers, aliases and address history.

CRNs and NOMS numbers come from bijections of the person's index, so they are unique
without any bookkeeping across worker processes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sandbox.ndelius.seed.pools import (
    BUILDINGS,
    FEMALE_FORENAMES,
    MALE_FORENAMES,
    NICKNAMES,
    STREET_NAMES,
    SURNAMES,
)
from sandbox.ndelius.seed.reference import (
    ADDRESS_MAIN,
    ADDRESS_PREVIOUS,
    ADDRESS_SECONDARY,
    GENDER,
    SEED_TODAY,
    TITLE,
    TODAY_ORD,
    CaseIds,
    day,
    stamp,
)

_CRN_SPACE = 26 * 1_000_000
_NOMS_SPACE = 26 * 10_000 * 26 * 26
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def crn(index: int, seed: int) -> str:
    """The CRN of the person with this index: a letter and six digits, unique per index."""
    value = (index * 7_919_357 + seed * 104_729) % _CRN_SPACE
    return f"{_LETTERS[value // 1_000_000]}{value % 1_000_000:06d}"


def noms(index: int, seed: int) -> str:
    """A NOMS number like A1234BC, unique per index."""
    value = (index * 48_271 + seed * 7_919) % _NOMS_SPACE
    tail, value = value % 676, value // 676
    digits, letter = value % 10_000, value // 10_000
    return f"{_LETTERS[letter]}{digits:04d}{_LETTERS[tail // 26]}{_LETTERS[tail % 26]}"


@dataclass(slots=True)
class Person:
    """The identity fields of one person, before case flags are known."""

    gender: str
    first_name: str
    second_name: str | None
    third_name: str | None
    surname: str
    preferred_name: str | None
    date_of_birth: date


def person(rng: random.Random) -> Person:
    """A person with a British-looking name and an age of 18 to 80."""
    roll = rng.random()
    gender = "M" if roll < 0.85 else "F" if roll < 0.99 else rng.choice("NO")
    pool = FEMALE_FORENAMES if gender == "F" else MALE_FORENAMES
    first = rng.choice(pool)
    second = rng.choice(pool) if rng.random() < 0.4 else None
    third = rng.choice(pool) if second and rng.random() < 0.15 else None
    preferred = NICKNAMES.get(first) if rng.random() < 0.3 else None
    age_days = int(rng.triangular(18, 80, 28) * 365.25)
    born = date.fromordinal(TODAY_ORD - age_days - rng.randint(0, 364))
    return Person(gender, first, second, third, rng.choice(SURNAMES), preferred, born)


def title(rng: random.Random, gender: str) -> int | None:
    """A TITLE reference id that fits the gender (sometimes missing)."""
    if rng.random() < 0.05:
        return None
    if rng.random() < 0.005:
        return TITLE["DR"]
    if gender == "M":
        return TITLE["MR"]
    if gender == "F":
        return TITLE[rng.choice(("MS", "MRS", "MISS"))]
    return TITLE["MX"]


def pnc(rng: random.Random, born: date) -> str:
    """A PNC number; one in ten in the old short form that CHAR(13) blank-pads."""
    year = min(born.year + rng.randint(16, 40), SEED_TODAY.year)
    number = rng.randint(1, 9_999_999)
    check = rng.choice(_LETTERS)
    if rng.random() < 0.1:
        return f"{year % 100:02d}/{number:07d}{check}"
    return f"{year}/{number:07d}{check}"


def cro(rng: random.Random) -> str:
    """A CRO number like 123456/04A."""
    return f"{rng.randint(1, 999_999):06d}/{rng.randint(0, 99):02d}{rng.choice(_LETTERS)}"


def ni_number(rng: random.Random) -> str:
    """A National Insurance number like AB123456C."""
    prefix = rng.choice("ABCEGHJKLMNPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")
    return f"{prefix}{rng.randint(0, 999_999):06d}{rng.choice('ABCD')}"


def postcode(rng: random.Random, area: str) -> str:
    """A plausible postcode in a postcode area."""
    tail = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    return f"{area} {rng.randint(1, 9)}{tail}"


def alias_rows(
    rng: random.Random, ids: CaseIds, offender_id: int, who: Person, user: int
) -> list[tuple[object, ...]]:
    """One or two names the person has also used."""
    rows: list[tuple[object, ...]] = []
    pool = FEMALE_FORENAMES if who.gender == "F" else MALE_FORENAMES
    for _ in range(rng.choice((1, 1, 2))):
        first = who.first_name if rng.random() < 0.5 else rng.choice(pool)
        surname = who.surname if first != who.first_name else rng.choice(SURNAMES)
        born = who.date_of_birth
        if rng.random() < 0.3:
            born = date.fromordinal(born.toordinal() + rng.choice((-366, -1, 1, 365)))
        created = stamp(day(-rng.randint(30, 3000)))
        rows.append((ids.take("alias"), offender_id, first, None, surname, born, GENDER[who.gender],
                     0, 0, user, created, user, created))  # fmt: skip
    return rows


def address_rows(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    region: tuple[tuple[str, str], ...],
    since: date,
    user: int,
) -> list[tuple[object, ...]]:
    """Address history: previous addresses ended, usually one current main address.

    About 3% are of no fixed abode, 7% have no current main address at all, 10% have a
    current secondary address, and 2% carry a soft-deleted second "main" address.
    """
    rows: list[tuple[object, ...]] = []
    count = rng.choices((1, 2, 3, 4), (45, 30, 17, 8))[0]
    has_main = rng.random() < 0.93
    low = min(since.toordinal(), TODAY_ORD - 400) - 900
    starts = sorted((rng.randint(low, TODAY_ORD - 30) for _ in range(count - 1)), reverse=True)
    starts.append(low - rng.randint(0, 400))
    end = TODAY_ORD if has_main else TODAY_ORD - rng.randint(5, 200)
    for position, first_day in enumerate(starts):
        start = min(first_day, end - 1)
        status = ADDRESS_MAIN if position == 0 and has_main else ADDRESS_PREVIOUS
        ended = None if status == ADDRESS_MAIN else date.fromordinal(end)
        nfa = status == ADDRESS_MAIN and rng.random() < 0.03
        rows.append(_address(rng, ids, offender_id, region, status, start, ended, nfa, 0, user))
        end = start
    if rng.random() < 0.10:
        start = rng.randint(TODAY_ORD - 700, TODAY_ORD - 10)
        rows.append(
            _address(rng, ids, offender_id, region, ADDRESS_SECONDARY, start, None, False, 0, user)
        )
    if rng.random() < 0.02:
        start = rng.randint(TODAY_ORD - 300, TODAY_ORD - 5)
        rows.append(
            _address(rng, ids, offender_id, region, ADDRESS_MAIN, start, None, False, 1, user)
        )
    return rows


def _address(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    region: tuple[tuple[str, str], ...],
    status: int,
    start: int,
    ended: date | None,
    nfa: bool,
    deleted: int,
    user: int,
) -> tuple[object, ...]:
    town, area = rng.choice(region)
    started = date.fromordinal(start)
    created = stamp(started)
    if nfa:
        return (
            ids.take("offender_address"), offender_id, status, started, ended, "Y", None, None,
            None, None, town, None, None, None, 0, deleted, user, created, user, created,
        )  # fmt: skip
    building = rng.choice(BUILDINGS) if rng.random() < 0.2 else None
    return (
        ids.take("offender_address"), offender_id, status, started, ended, "N", building,
        str(rng.randint(1, 240)), rng.choice(STREET_NAMES), None, town, None,
        postcode(rng, area), None, 0, deleted, user, created, user,
        stamp(ended) if ended else created,
    )  # fmt: skip

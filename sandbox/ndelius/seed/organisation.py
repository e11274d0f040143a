"""Providers, PDUs, teams, staff, users, offices and courts, sized to the caseload.

One national provider (N07) and four CRCs. Staff numbers follow the expected number of
managed cases, so caseloads come out at 30-80 per practitioner on realistic sizes. The
returned ``Organisation`` is the small, picklable view that case generation needs.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from sandbox.ndelius.seed.copy import Rows, empty_rows
from sandbox.ndelius.seed.pools import (
    FEMALE_FORENAMES,
    MALE_FORENAMES,
    PROVIDERS,
    STREET_NAMES,
    SURNAMES,
    TEAM_SUFFIXES,
)
from sandbox.ndelius.seed.reference import GRADE_WEIGHTS, ID_BASE, SYSTEM_USER_ID

PROVIDER_START = date(2014, 6, 1)
NATIONAL_SHARE = 0.70
TARGET_CASELOAD = 55


@dataclass(frozen=True, slots=True)
class Team:
    """A team as case generation sees it: who can hold a case there."""

    team_id: int
    code: str
    staff_ids: tuple[int, ...]
    placeholder_staff_id: int


@dataclass(frozen=True, slots=True)
class Provider:
    """A provider with its case-holding teams, unallocated team, offices and courts."""

    provider_id: int
    code: str
    private: bool
    teams: tuple[Team, ...]
    unallocated: Team
    office_ids: tuple[int, ...]
    court_ids: tuple[int, ...]
    region: tuple[tuple[str, str], ...]  # (town, postcode area) per PDU


@dataclass(frozen=True, slots=True)
class Organisation:
    """Everything case generation needs to know about the organisation."""

    providers: tuple[Provider, ...]
    user_ids: tuple[int, ...]
    staff_user: dict[int, int] = field(default_factory=dict)

    @property
    def national(self) -> Provider:
        """The national (NPS) provider."""
        return self.providers[0]


class _Ids:
    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, table: str) -> int:
        value = self._next.get(table, ID_BASE + 1)
        self._next[table] = value + 1
        return value


def build_organisation(offenders: int, rng: random.Random) -> tuple[Organisation, Rows]:
    """The organisation for ``offenders`` cases, and its rows for COPY."""
    rows = empty_rows(
        ("probation_area", "borough", "district", "team", "staff", "staff_team",
         "office_location", "user_", "probation_area_user", "court")
    )  # fmt: skip
    ids = _Ids()
    users = _Users(rng, rows, ids)
    managed = offenders * 0.72
    providers = []
    for code, description, private, pdus, courts in PROVIDERS:
        share = NATIONAL_SHARE if not private else (1 - NATIONAL_SHARE) / (len(PROVIDERS) - 1)
        provider_id = ids.take("probation_area")
        rows["probation_area"].append((provider_id, code, description, private, PROVIDER_START))
        district_ids, region, office_ids = [], [], []
        for suffix, name, town, area in pdus:
            borough_id = ids.take("borough")
            rows["borough"].append((borough_id, f"{code}{suffix}", name, provider_id))
            district_id = ids.take("district")
            rows["district"].append((district_id, f"{code}{suffix}1", f"{name} LAU", borough_id))
            district_ids.append(district_id)
            region.append((town, area))
            office_id = ids.take("office_location")
            rows["office_location"].append((
                office_id, f"{code}{suffix}1", f"{name} Probation Office", None,
                str(rng.randint(1, 180)), rng.choice(STREET_NAMES), town,
                f"{area} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                f"0{rng.randint(1000, 1999)} {rng.randint(100000, 999999)}",
                provider_id, PROVIDER_START,
            ))  # fmt: skip
            office_ids.append(office_id)
        team_count = rng.randint(3, 6)
        per_team = max(2, math.ceil(managed * share / team_count / TARGET_CASELOAD))
        staff_counter = [0]
        teams = []
        for number in range(1, team_count + 1):
            district_id = district_ids[(number - 1) % len(district_ids)]
            town = region[(number - 1) % len(region)][0]
            team = _team(
                rows, ids, rng, users, provider_id, code, private, district_id,
                f"{code}T{number:02d}", f"{town} {TEAM_SUFFIXES[number - 1]}", per_team,
                staff_counter,
            )  # fmt: skip
            teams.append(team)
        unallocated = _team(
            rows, ids, rng, users, provider_id, code, private, district_ids[0],
            f"{code}UAT", f"Unallocated Team({code})", 0, staff_counter,
        )  # fmt: skip
        for team in teams:  # some practitioners work in two teams
            for staff_id in team.staff_ids:
                if rng.random() < 0.1:
                    other = rng.choice(teams)
                    if other is not team:
                        rows["staff_team"].append((staff_id, other.team_id))
        court_ids = []
        for court_code, court_name, court_town in courts:
            court_id = ids.take("court")
            rows["court"].append((court_id, court_code, court_name, court_town, None, provider_id))
            court_ids.append(court_id)
        providers.append(
            Provider(
                provider_id,
                code,
                bool(private),
                tuple(teams),
                unallocated,
                tuple(office_ids),
                tuple(court_ids),
                tuple(region),
            )
        )
    provider_ids = [p.provider_id for p in providers]
    users.add_without_staff(provider_ids)
    organisation = Organisation(tuple(providers), tuple(users.practitioners), users.by_staff)
    return organisation, rows


def _team(
    rows: Rows,
    ids: _Ids,
    rng: random.Random,
    users: _Users,
    provider_id: int,
    provider_code: str,
    private: int,
    district_id: int,
    code: str,
    description: str,
    staff_count: int,
    staff_counter: list[int],
) -> Team:
    team_id = ids.take("team")
    phone = f"0{rng.randint(1000, 1999)} {rng.randint(100000, 999999)}"
    rows["team"].append(
        (team_id, code, description, district_id, provider_id, phone, "N", private, PROVIDER_START)
    )
    placeholder = ids.take("staff")
    rows["staff"].append(
        (placeholder, f"{code}U", "Unallocated", None, "Staff", None, provider_id, private,
         PROVIDER_START)
    )  # fmt: skip
    rows["staff_team"].append((placeholder, team_id))
    staff_ids = []
    grades, weights = list(GRADE_WEIGHTS), list(GRADE_WEIGHTS.values())
    for _ in range(staff_count):
        staff_counter[0] += 1
        n = staff_counter[0]
        officer_code = f"{provider_code}{chr(65 + n // 1000)}{n % 1000:03d}"
        female = rng.random() < 0.6
        forename = rng.choice(FEMALE_FORENAMES if female else MALE_FORENAMES)
        surname = rng.choice(SURNAMES)
        staff_id = ids.take("staff")
        started = date(rng.randint(2005, 2024), rng.randint(1, 12), 1)
        rows["staff"].append(
            (staff_id, officer_code, forename, None, surname,
             rng.choices(grades, weights)[0], provider_id, private, started)
        )  # fmt: skip
        rows["staff_team"].append((staff_id, team_id))
        staff_ids.append(staff_id)
        if rng.random() < 0.85:
            users.add(forename, surname, staff_id, provider_id, private)
    return Team(team_id, code, tuple(staff_ids), placeholder)


class _Users:
    """USER_ rows with unique, case-insensitively distinct login names."""

    def __init__(self, rng: random.Random, rows: Rows, ids: _Ids) -> None:
        self.rng, self.rows, self.ids = rng, rows, ids
        self.taken: set[str] = {"ndeliussystem"}
        self.practitioners: list[int] = []
        self.by_staff: dict[int, int] = {}
        rows["user_"].append((SYSTEM_USER_ID, "NDeliusSystem", "nDelius", "System", None, 0))

    def _login(self, forename: str, surname: str) -> str:
        mixed = self.rng.random() < 0.08
        while True:
            suffix = f"{self.rng.randint(1, 99):02d}"
            name = (
                f"{forename[0].upper()}{surname}{suffix}"
                if mixed
                else (f"{forename[0]}{surname}{suffix}".lower())
            )
            if name.lower() not in self.taken:
                self.taken.add(name.lower())
                return name

    def add(self, forename: str, surname: str, staff_id: int | None, provider_id: int,
            private: int) -> int:  # fmt: skip
        user_id = self.ids.take("user_")
        login = self._login(forename, surname)
        self.rows["user_"].append((user_id, login, forename, surname, staff_id, private))
        self.rows["probation_area_user"].append((user_id, provider_id))
        if staff_id is not None:
            self.practitioners.append(user_id)
            self.by_staff[staff_id] = user_id
        return user_id

    def add_without_staff(self, provider_ids: list[int]) -> None:
        for _ in range(5):
            forename = self.rng.choice(MALE_FORENAMES + FEMALE_FORENAMES)
            user_id = self.add(forename, self.rng.choice(SURNAMES), None, provider_ids[0], 0)
            for provider_id in provider_ids[1:]:
                self.rows["probation_area_user"].append((user_id, provider_id))

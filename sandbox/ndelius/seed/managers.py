"""Offender manager history, and who held the case on any given day.

Contacts, registrations and deregistrations are recorded by whoever managed the case at
the time, so the history is built first and ``Allocations.at`` answers "who, on day d".
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date

from sandbox.ndelius.seed.copy import Rows
from sandbox.ndelius.seed.organisation import Organisation, Provider
from sandbox.ndelius.seed.reference import (
    ALLOCATION_INITIAL,
    ALLOCATION_REALLOCATION,
    ALLOCATION_TRANSFER,
    TODAY_ORD,
    CaseIds,
    stamp,
)

_D = date.fromordinal


@dataclass(frozen=True, slots=True)
class Allocation:
    """One stretch of case management: provider, team and staff member."""

    start: int
    provider: Provider
    team_id: int
    staff_id: int


class Allocations:
    """A person's allocations in date order."""

    __slots__ = ("_items", "_starts")

    def __init__(self, items: list[Allocation]) -> None:
        self._items = items
        self._starts = [item.start for item in items]

    def at(self, day: int) -> Allocation:
        """The allocation on ``day`` (the first one before the history starts)."""
        return self._items[max(bisect.bisect_right(self._starts, day) - 1, 0)]

    def provider_ids(self) -> list[str]:
        """The ids, as text, of every provider that has held the case (ORGANISATIONS)."""
        return sorted({str(item.provider.provider_id) for item in self._items})

    @property
    def current(self) -> Allocation:
        """The latest allocation."""
        return self._items[-1]


def home_provider(rng: random.Random, organisation: Organisation) -> Provider:
    """The provider that holds a case: 70% national, 30% spread over the CRCs."""
    if rng.random() < 0.70:
        return organisation.national
    return rng.choice(organisation.providers[1:])


def allocate(
    rng: random.Random, provider: Provider, *, unallocated: float = 0.03
) -> tuple[int, int]:
    """A team and staff member of ``provider``; sometimes the team's placeholder."""
    roll = rng.random()
    if roll < 0.01:
        team = provider.unallocated
        return team.team_id, team.placeholder_staff_id
    team = rng.choice(provider.teams)
    if roll < unallocated or not team.staff_ids:
        return team.team_id, team.placeholder_staff_id
    return team.team_id, rng.choice(team.staff_ids)


def manager_rows(
    rng: random.Random,
    ids: CaseIds,
    offender_id: int,
    organisation: Organisation,
    home: Provider,
    first_day: int,
    last_day: int | None,
    user: int,
    rows: Rows,
) -> Allocations:
    """1-4 allocations from ``first_day``; the last is active unless ``last_day`` ends it."""
    count = rng.choices((1, 2, 3, 4), (45, 30, 17, 8))[0]
    stop = last_day if last_day is not None else TODAY_ORD
    span = max(stop - first_day, 1)
    cuts = sorted({first_day + rng.randint(1, span) for _ in range(count - 1)} - {stop})
    starts = [first_day, *cuts]
    items: list[Allocation] = []
    for position, start in enumerate(starts):
        last = position == len(starts) - 1
        provider = home if last or rng.random() < 0.85 else home_provider(rng, organisation)
        team_id, staff_id = allocate(rng, provider, unallocated=0.05 if last else 0.02)
        items.append(Allocation(start, provider, team_id, staff_id))
        end = stop if last else starts[position + 1]
        active = last and last_day is None
        if position == 0:
            reason = ALLOCATION_INITIAL
        elif team_id != items[-2].team_id:
            reason = ALLOCATION_TRANSFER
        else:
            reason = ALLOCATION_REALLOCATION
        created = stamp(_D(start))
        rows["offender_manager"].append((
            ids.take("offender_manager"), offender_id, _D(start), None if active else _D(end),
            staff_id, team_id, provider.provider_id, reason, int(active), 0, 0, user, created,
            user, created if active else stamp(_D(end)),
        ))  # fmt: skip
    if last_day is None and rng.random() < 0.02:
        # An allocation keyed in after the real one and soft-deleted, still flagged active.
        team_id, staff_id = allocate(rng, home, unallocated=0.0)
        start = rng.randint(items[-1].start, TODAY_ORD)
        created = stamp(_D(start))
        rows["offender_manager"].append((
            ids.take("offender_manager"), offender_id, _D(start), None, staff_id, team_id,
            home.provider_id, ALLOCATION_REALLOCATION, 1, 0, 1, user, created, user, created,
        ))  # fmt: skip
    return Allocations(items)

"""Unpaid work (Community Payback) sessions a CRC stand-in holds for a case.

Sessions are weekly from a little after allocation up to the dataset's "today", credited in
minutes; hours are minutes / 60 rounded to 2 places, as the contract says. A case with no
unpaid work requirement gets zero totals and no requirements, not 404.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sandbox.crc.facts import CrcCaseFacts, UnpaidWorkFacts

_PROJECTS = (
    "Canal Towpath Clearance",
    "Community Garden Maintenance",
    "Charity Shop Sorting",
    "Graffiti Removal",
    "Park Litter Picking",
)
_OUTCOMES = (
    ("ATTC", "Attended - Complied", True, True),
    ("ATTC", "Attended - Complied", True, True),
    ("ATTC", "Attended - Complied", True, True),
    ("AFTA", "Failed to Attend", False, False),
    ("AACL", "Acceptable Absence - Court/Legal", False, True),
)


def unpaid_work_for(case: CrcCaseFacts, rng: random.Random, as_of: date) -> dict[str, Any]:
    """The contract's UnpaidWork summary for a case (totals, last session, requirements)."""
    requirements = [_requirement(r, case, rng, as_of) for r in case.unpaid_work]
    sessions = [r["lastSession"] for r in requirements if r["lastSession"] is not None]
    minutes = sum(round(r["hoursCompleted"] * 60) for r in requirements)
    return {
        "crn": case.crn,
        "hoursOrdered": sum(r["hoursOrdered"] for r in requirements),
        "hoursCompleted": round(minutes / 60, 2),
        "lastSession": max(sessions, key=lambda s: s["date"], default=None),
        "requirements": requirements,
    }


def _requirement(
    requirement: UnpaidWorkFacts, case: CrcCaseFacts, rng: random.Random, as_of: date
) -> dict[str, Any]:
    ordered_minutes = requirement.hours_ordered * 60
    credited = 0
    last: dict[str, Any] | None = None
    day = case.allocation_date + timedelta(days=rng.randrange(7, 22))
    project = rng.choice(_PROJECTS)
    while day <= as_of and credited < ordered_minutes:
        code, description, attended, complied = rng.choice(_OUTCOMES)
        minutes = min(rng.choice((360, 390, 420)), ordered_minutes - credited) if attended else 0
        credited += minutes
        last = {
            "date": day.isoformat(),
            "project": project,
            "hoursCredited": round(minutes / 60, 2),
            "outcome": {
                "code": code,
                "description": description,
                "attended": attended,
                "complied": complied,
            },
        }
        day += timedelta(days=7)
    return {
        "eventNumber": requirement.event_number,
        "hoursOrdered": requirement.hours_ordered,
        "hoursCompleted": round(credited / 60, 2),
        "lastSession": last,
    }

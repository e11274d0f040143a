"""Rate-card interventions and accredited programmes a CRC stand-in holds for a case.

Generated from a per-case random stream, so they are stable for a given seed; categories and
statuses are the contract's enums. Newest referral first, as the contract orders them.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from typing import Any

from sandbox.crc.facts import CrcCaseFacts

_CATALOGUE: tuple[tuple[str, str, int | None], ...] = (
    ("ACCREDITED_PROGRAMME", "Thinking Skills Programme", 19),
    ("ACCREDITED_PROGRAMME", "Building Better Relationships", 24),
    ("ACCOMMODATION", "Accommodation Support Service", None),
    ("EDUCATION_TRAINING_EMPLOYMENT", "Employment Readiness Course", 8),
    ("FINANCE_BENEFIT_DEBT", "Debt and Benefits Advice", 4),
    ("DEPENDENCY_RECOVERY", "Alcohol Recovery Group", 12),
    ("EMOTIONAL_WELLBEING", "Emotional Wellbeing Sessions", 6),
    ("FAMILY_RELATIONSHIPS", "Family Relationships Workshop", 5),
    ("LIFESTYLE_ASSOCIATES", "Positive Lifestyles Mentoring", None),
    ("WOMENS_SERVICES", "Women's Centre Support", 10),
    ("OTHER", "Restorative Justice Conference", 1),
)
_STATUSES = ("REFERRED", "IN_PROGRESS", "COMPLETED", "NOT_COMPLETED", "WITHDRAWN")


def interventions_for(
    case: CrcCaseFacts, rng: random.Random, as_of: date
) -> tuple[dict[str, Any], ...]:
    """Between none and three interventions, newest referral date first."""
    items = [_intervention(case, rng, as_of, n) for n in range(rng.randrange(0, 4))]
    return tuple(sorted(items, key=lambda item: (item["referralDate"], item["id"]), reverse=True))


def _intervention(case: CrcCaseFacts, rng: random.Random, as_of: date, n: int) -> dict[str, Any]:
    category, name, planned = rng.choice(_CATALOGUE)
    status = rng.choice(_STATUSES)
    window = max((as_of - case.allocation_date).days, 1)
    referral = case.allocation_date + timedelta(days=rng.randrange(window))
    started = status in {"IN_PROGRESS", "COMPLETED", "NOT_COMPLETED"}
    start = referral + timedelta(days=rng.randrange(7, 29)) if started else None
    ended = status in {"COMPLETED", "NOT_COMPLETED", "WITHDRAWN"}
    begun = start or referral
    end = min(begun + timedelta(days=rng.randrange(14, 120)), max(as_of, begun)) if ended else None
    if status == "COMPLETED":
        attended = planned if planned is not None else rng.randrange(1, 12)
    elif started:
        attended = rng.randrange(0, (planned or 12) + 1)
    else:
        attended = 0
    digest = hashlib.sha1(f"{case.crn}:intervention:{n}".encode(), usedforsecurity=False)
    return {
        "id": f"INT-{digest.hexdigest()[:10].upper()}",
        "name": name,
        "category": category,
        "status": status,
        "referralDate": referral.isoformat(),
        "startDate": start.isoformat() if start else None,
        "endDate": end.isoformat() if end else None,
        "sessionsAttended": attended,
        "sessionsPlanned": planned,
        "eventNumber": rng.choice(case.event_numbers) if case.event_numbers else None,
        "deliusNsiId": None,
    }

"""The records one CRC instance serves, derived deterministically from nDelius facts.

``build_datasets`` is pure: the same facts and seed always give the same data. Appointments
mirror the nDelius contacts that carry a CRC appointment URN (same external reference and
contact id); a few extra, not yet synchronised, appointments exist only on the CRC side.
Everything is stored as JSON-ready dicts in the contract's shape, nulls included.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.crc.facts import (
    AppointmentFacts,
    CrcCaseFacts,
    PractitionerFacts,
    appointment_urn_provider,
)
from sandbox.crc.interventions import interventions_for
from sandbox.crc.unpaid_work import unpaid_work_for

LONDON = ZoneInfo("Europe/London")
Json = dict[str, Any]

_OFFICES = ("Central Office", "Probation Hub", "Community Payback Depot", "Town Hall Annex")
_UNSYNCED_TYPES = (("COAP", "Planned Office Visit (NS)"), ("COHV", "Home Visit to Case (NS)"))


@dataclass(frozen=True, slots=True)
class CrcAppointment:
    """One appointment, with its start kept as a datetime for filtering and ordering."""

    start: datetime
    id: str
    body: Json


@dataclass(frozen=True, slots=True)
class CrcDataset:
    """Everything one CRC holds: cases, appointments (start order), interventions, unpaid work."""

    provider_code: str
    cases: Mapping[str, Json] = field(default_factory=dict)
    appointments: Mapping[str, tuple[CrcAppointment, ...]] = field(default_factory=dict)
    interventions: Mapping[str, tuple[Json, ...]] = field(default_factory=dict)
    unpaid_work: Mapping[str, Json] = field(default_factory=dict)


def build_datasets(facts: Iterable[CrcCaseFacts], seed: int) -> dict[str, CrcDataset]:
    """One dataset per provider code found in ``facts``; deterministic in facts and seed."""
    all_facts = sorted(facts, key=lambda f: (f.provider_code, f.crn))
    as_of = _as_of(all_facts)
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for case in all_facts:
        rng = random.Random(f"{seed}:{case.crn}")
        parts = grouped.setdefault(
            case.provider_code,
            {"cases": {}, "appointments": {}, "interventions": {}, "unpaid_work": {}},
        )
        appointments = _appointments(case, rng, as_of)
        parts["appointments"][case.crn] = appointments
        parts["cases"][case.crn] = _case(case, rng, seed, appointments)
        parts["interventions"][case.crn] = interventions_for(case, rng, as_of)
        parts["unpaid_work"][case.crn] = unpaid_work_for(case, rng, as_of)
    return {
        code: CrcDataset(provider_code=code, **parts) for code, parts in sorted(grouped.items())
    }


def london(day: date, at: time | None) -> datetime:
    """A Europe/London wall-clock time on ``day`` as an aware datetime."""
    return datetime.combine(day, at or time(0, 0), tzinfo=LONDON)


def wire_time(instant: datetime) -> str:
    """An instant as this stand-in sends it: in UTC, as partner systems may (the contract
    only asks for an explicit offset), so the graph's conversion to London is exercised."""
    return instant.astimezone(UTC).isoformat()


def practitioner_json(practitioner: PractitionerFacts, provider_code: str) -> Json:
    """The contract's Practitioner object; e-mail derived from the name."""
    local = ".".join(part.lower() for part in practitioner.name.split() if part.isalpha())
    email = f"{local}@{provider_code.lower()}.crc.example" if local else None
    return {"code": practitioner.code, "name": practitioner.name, "email": email}


def _as_of(facts: list[CrcCaseFacts]) -> date:
    """The dataset's "today": the latest date the facts mention, so output stays pure."""
    days = [f.allocation_date for f in facts]
    days += [a.contact_date for f in facts for a in f.appointments]
    return max(days, default=date(2020, 1, 1))


def _case(
    case: CrcCaseFacts, rng: random.Random, seed: int, appointments: tuple[CrcAppointment, ...]
) -> Json:
    unallocated = case.practitioner.unallocated
    if unallocated:
        status = "PENDING_ALLOCATION"
    else:
        status = "TRANSFER_PENDING" if rng.random() < 0.05 else "ACTIVE"
    touched = [london(case.allocation_date, time(9, 0))] + [a.start for a in appointments]
    last_updated = max(touched) + timedelta(minutes=rng.randrange(0, 600))
    stamp = hashlib.md5(f"{seed}:{case.crn}".encode(), usedforsecurity=False).hexdigest()
    return {
        "crn": case.crn,
        "providerCode": case.provider_code,
        "status": status,
        "allocatedPractitioner": None
        if unallocated
        else practitioner_json(case.practitioner, case.provider_code),
        "team": {"code": case.team.code, "description": case.team.description},
        "lastUpdated": wire_time(last_updated),
        "spgVersion": None if rng.random() < 0.1 else stamp.upper(),
    }


def _appointments(
    case: CrcCaseFacts, rng: random.Random, as_of: date
) -> tuple[CrcAppointment, ...]:
    practitioner = practitioner_json(case.practitioner, case.provider_code)
    held = [
        _from_contact(contact, practitioner, case.provider_code, rng)
        for contact in case.appointments
        if appointment_urn_provider(contact.external_reference) == case.provider_code
    ]
    for number in range(rng.randrange(0, 3)):
        held.append(_unsynchronised(case, number, practitioner, rng, as_of))
    return tuple(sorted(held, key=lambda a: (a.start, a.id)))


def _location(provider_code: str, rng: random.Random) -> Json | None:
    if rng.random() < 0.25:
        return None
    index = rng.randrange(len(_OFFICES))
    return {"code": f"{provider_code}OFF{index + 1}", "description": _OFFICES[index]}


def _from_contact(
    contact: AppointmentFacts, practitioner: Json, provider_code: str, rng: random.Random
) -> CrcAppointment:
    start = london(contact.contact_date, contact.start_time)
    end = london(contact.contact_date, contact.end_time) if contact.end_time else None
    outcome = None
    if contact.outcome_code is not None:
        outcome = {
            "code": contact.outcome_code,
            "description": contact.outcome_description or contact.outcome_code,
            "attended": bool(contact.attended),
            "complied": bool(contact.complied),
        }
    appointment_id = contact.external_reference.rsplit(":", 1)[-1]
    body = {
        "id": appointment_id,
        "type": {"code": contact.type_code, "description": contact.type_description},
        "start": wire_time(start),
        "end": wire_time(end) if end else None,
        "location": _location(provider_code, rng),
        "practitioner": practitioner,
        "outcome": outcome,
        "eventNumber": contact.event_number,
        "deliusContactId": contact.contact_id,
        "externalReference": contact.external_reference,
    }
    return CrcAppointment(start=start, id=appointment_id, body=body)


def _unsynchronised(
    case: CrcCaseFacts, number: int, practitioner: Json, rng: random.Random, as_of: date
) -> CrcAppointment:
    day = as_of + timedelta(days=rng.randrange(1, 29))
    start = london(day, time(rng.randrange(9, 16), rng.choice((0, 30))))
    appointment_id = hashlib.sha1(
        f"{case.crn}:{number}:{start.isoformat()}".encode(), usedforsecurity=False
    ).hexdigest()[:8]
    type_code, type_description = rng.choice(_UNSYNCED_TYPES)
    body = {
        "id": appointment_id,
        "type": {"code": type_code, "description": type_description},
        "start": wire_time(start),
        "end": wire_time(start + timedelta(hours=1)),
        "location": _location(case.provider_code, rng),
        "practitioner": practitioner,
        "outcome": None,
        "eventNumber": case.event_numbers[0] if case.event_numbers else None,
        "deliusContactId": None,
        "externalReference": f"urn:uk:gov:crc:{case.provider_code}:appointment:{appointment_id}",
    }
    return CrcAppointment(start=start, id=appointment_id, body=body)

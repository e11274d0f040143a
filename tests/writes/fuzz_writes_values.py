"""What the write fuzzer sends: callers and mutation inputs mixing valid and invalid values.

Every value is drawn from facts read from the fuzzer's own database (``World``): CRNs a
partner holds and ones it does not, limited-access CRNs, contacts of every case (their
real and stale versions), contact type and outcome codes that exist, that are not allowed
and that do not exist, staff, team and office codes. Idempotency keys come from a small
pool, so keys are reused with other inputs, and from fresh ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

MALFORMED_CRNS = ("", " ", "not-a-crn", "X12345", "x1234567", "12345678", "'; --", "Z999999")
UNKNOWN_CODES = ("NOPE", "", " ", "coap ", "ZZZZZZZZZZZ", "'", "ATT C")
KEY_POOL = tuple(f"fuzz-key-{n}" for n in range(6))
TEXT = st.text(max_size=40)
"""Any text, NUL included (refused as a problem, never sent to nDelius)."""


@dataclass(frozen=True)
class Contact:
    """An existing contact of the fuzzer's database."""

    contact_id: int
    crn: str
    version: int
    appointment: bool


@dataclass(frozen=True)
class World:
    """Facts from the fuzzer's database that the inputs are drawn from."""

    staff_crns: tuple[str, ...]
    """Live, unlimited cases held by public-sector providers."""
    partner_crns: tuple[str, ...]
    """Live, unlimited cases held by the partner's provider."""
    limited_crns: tuple[str, ...]
    contacts: tuple[Contact, ...]
    appointment_types: tuple[str, ...]
    note_types: tuple[str, ...]
    other_types: tuple[str, ...]
    """Types a caller may not use (system-generated ones)."""
    outcomes: tuple[str, ...]
    staff_codes: tuple[str, ...]
    team_codes: tuple[str, ...]
    office_codes: tuple[str, ...]


LONDON_SUMMER = timezone(timedelta(hours=1))


def crns(world: World) -> st.SearchStrategy[str]:
    """Real CRNs (as given or respelt), limited, foreign to the partner, and malformed."""
    assert world.staff_crns, "the fuzzer's database must hold cases staff may write to"
    assert world.partner_crns, "it must hold cases a partner holds, or no partner write is tried"
    real = st.sampled_from(world.staff_crns + world.partner_crns)
    respelt = st.builds(lambda c, f: f(c), real, st.sampled_from([str.lower, lambda c: f" {c} "]))
    return st.one_of(
        real,
        real,
        st.sampled_from(world.partner_crns),
        respelt,
        st.sampled_from(world.limited_crns or MALFORMED_CRNS),
        st.sampled_from(MALFORMED_CRNS),
    )


def codes(known: tuple[str, ...], *others: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mostly a known code, sometimes another kind, unknown, malformed or any text."""
    kinds = [st.sampled_from(k) for k in others if k]
    return st.one_of(
        st.sampled_from(known),
        st.sampled_from(known),
        *kinds,
        st.sampled_from(UNKNOWN_CODES),
        TEXT.map(lambda t: t[:12]),
    )


def optional_codes(known: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    """Usually absent (the case's defaults), else known, unknown or malformed."""
    return st.one_of(
        st.none(),
        st.none(),
        st.sampled_from(known or UNKNOWN_CODES),
        st.sampled_from(UNKNOWN_CODES),
    )


MALFORMED_INSTANTS = ("", "now", "2030-02-30T10:00:00+00:00", "2030-01-01T25:00:00Z")
"""Not date-times at all: refused by the schema before any resolver runs."""


def instants(now: datetime) -> st.SearchStrategy[str]:
    """Start and end times: near now on both sides, far ones, and ones without an offset."""
    near = st.integers(-72, 24 * 30).map(lambda h: now + timedelta(hours=h))
    zone = st.sampled_from([UTC, LONDON_SUMMER, timezone(timedelta(hours=-11))])
    far = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    )
    return st.one_of(
        *[st.builds(lambda d, z: d.astimezone(z).isoformat(), near, zone)] * 6,
        far.map(lambda d: d.isoformat()),
        near.map(lambda d: d.replace(tzinfo=None).isoformat()),
        st.sampled_from(MALFORMED_INSTANTS),
    )


def texts() -> st.SearchStrategy[str]:
    """Notes: plain, empty, blank, odd characters, and now and then huge."""
    plain = st.sampled_from(["Seen in office.", "Phoned.", "<b>'\"</b>", "é" * 50])
    huge = st.integers(1, 3).map(lambda n: "x" * (70_000 * n))
    return st.one_of(*[plain] * 6, TEXT, st.sampled_from(["", " "]), huge)


def keys() -> st.SearchStrategy[str]:
    """Idempotency keys: a small reused pool, fresh ones, blank and over-long ones."""
    return st.one_of(
        *[st.sampled_from(KEY_POOL)] * 3,
        *[st.uuids().map(lambda u: f"fuzz-{u}")] * 3,
        st.sampled_from(["", " ", "k" * 201, "é" * 200]),
    )


def event_numbers() -> st.SearchStrategy[int | None]:
    """Absent, plausible, zero, negative and out of range."""
    return st.one_of(*[st.none()] * 4, st.integers(-2, 4), st.sampled_from([99, 2**31 - 1]))


def references() -> st.SearchStrategy[str | None]:
    """A partner's own reference: absent, short or too long."""
    return st.one_of(*[st.none()] * 8, st.just("urn:uk:gov:crc:fuzz:1"), TEXT, st.just("r" * 4001))


def schedule_inputs(world: World, now: datetime) -> st.SearchStrategy[dict[str, Any]]:
    """``ScheduleAppointmentInput`` variables."""
    return st.fixed_dictionaries(
        {
            "crn": crns(world),
            "typeCode": codes(world.appointment_types, world.note_types, world.other_types),
            "start": instants(now),
            "idempotencyKey": keys(),
        },
        optional={
            "end": st.one_of(st.none(), instants(now)),
            "staffCode": optional_codes(world.staff_codes),
            "teamCode": optional_codes(world.team_codes),
            "officeLocationCode": st.one_of(
                st.sampled_from(world.office_codes), optional_codes(world.office_codes)
            ),
            "eventNumber": event_numbers(),
            "notes": st.one_of(st.none(), texts()),
            "sensitive": st.one_of(st.none(), st.booleans()),
            "externalReference": references(),
        },
    )


def note_inputs(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """``AddCaseNoteInput`` variables."""
    return st.fixed_dictionaries(
        {
            "crn": crns(world),
            "typeCode": codes(world.note_types, world.appointment_types, world.other_types),
            "notes": texts(),
            "idempotencyKey": keys(),
        },
        optional={
            "sensitive": st.one_of(st.none(), st.booleans()),
            "eventNumber": event_numbers(),
            "staffCode": optional_codes(world.staff_codes),
            "teamCode": optional_codes(world.team_codes),
            "externalReference": references(),
        },
    )


def contact_ids(world: World) -> st.SearchStrategy[tuple[str, int | None]]:
    """A contact id and its current version where known: appointments of any case, notes,
    unknown and malformed ids."""
    known = st.sampled_from(world.contacts).map(lambda c: (str(c.contact_id), c.version))
    odd = st.sampled_from(["1", "0", "-5", "x1", "", "99999999999999999999", "1e3"])
    return st.one_of(known, known, known, odd.map(lambda i: (i, None)))


def versions(current: int | None) -> st.SearchStrategy[int]:
    """The current version, a stale or future one, negative, or 32-bit extremes."""
    base = current if current is not None else 0
    return st.one_of(
        st.just(base),
        st.just(base),
        st.integers(-3, base + 3),
        st.sampled_from([-(2**31), 2**31 - 1]),
    )


def outcome_inputs(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """``RecordOutcomeInput`` variables."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        contact_id, version = draw(contact_ids(world))
        sent: dict[str, Any] = {
            "contactId": contact_id,
            "outcomeCode": draw(codes(world.outcomes, world.note_types)),
            "expectedVersion": draw(versions(version)),
            "idempotencyKey": draw(keys()),
        }
        notes = draw(st.one_of(st.none(), st.none(), texts()))
        if notes is not None:
            sent["notes"] = notes
        return sent

    return build()

"""Per-request loaders for the CRC partner systems, and the helpers the partner fields call.

``CrcLoaders`` batches case lookups: keys are (provider code, CRN), grouped by provider into
one batchGet per CRC, the CRCs asked concurrently. A failing CRC fails only its own keys.
The other loaders make one call per distinct key, concurrently. Every failure reaches the
field as a public error (UPSTREAM_*, source ``crc:<code>``). Loaders cache for one request
only: build a new ``CrcLoaders`` per request, inside the running event loop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import NamedTuple, TypeAlias, cast

from adapters.crc.port import CrcPort
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    UnpaidWorkRecord,
)
from resolvers.errors import PublicError, bad_input
from resolvers.loader import KeyLoader, per_key

MAX_APPOINTMENTS = 100
DEFAULT_APPOINTMENTS = 20

CaseKey: TypeAlias = tuple[str, str]
AppointmentsKey: TypeAlias = tuple[str, str, date | None, date | None, int]
Appointments: TypeAlias = tuple[PartnerAppointmentRecord, ...]
Interventions: TypeAlias = tuple[PartnerInterventionRecord, ...]


class CrcLoaders:
    """The CRC loaders of one request. Values are records or None; failures are raised.

    Fetches take the port, never ``self``, so the loaders form no reference cycle."""

    def __init__(self, port: CrcPort) -> None:
        self.port = port

    @cached_property
    def cases(self) -> KeyLoader[CaseKey, PartnerCaseRecord]:
        """Partner case records by (provider code, CRN), one batchGet per CRC."""
        return KeyLoader(partial(_cases, self.port))

    @cached_property
    def appointments(self) -> KeyLoader[AppointmentsKey, Appointments]:
        """Partner appointments by (provider, CRN, from, to, limit)."""
        return KeyLoader(per_key(partial(_appointments, self.port)))

    @cached_property
    def interventions(self) -> KeyLoader[CaseKey, Interventions]:
        """Partner interventions by (provider code, CRN)."""
        port = self.port
        return KeyLoader(per_key(lambda key: port.interventions(*key)))

    @cached_property
    def unpaid_work(self) -> KeyLoader[CaseKey, UnpaidWorkRecord]:
        """Partner unpaid work by (provider code, CRN)."""
        port = self.port
        return KeyLoader(per_key(lambda key: port.unpaid_work(*key)))

    def knows(self, provider_code: str) -> bool:
        """True when the CRC is in the registry, so asking it makes sense."""
        return self.port.knows(provider_code)


async def _cases(port: CrcPort, keys: Sequence[CaseKey]) -> Mapping[CaseKey, PartnerCaseRecord]:
    by_provider: dict[str, list[str]] = defaultdict(list)
    for provider_code, crn in keys:
        by_provider[provider_code].append(crn)
    providers = list(by_provider)
    answers = await asyncio.gather(
        *(port.cases(code, by_provider[code]) for code in providers),
        return_exceptions=True,
    )
    found: dict[CaseKey, PartnerCaseRecord | BaseException] = {}
    for code, answer in zip(providers, answers, strict=True):
        for crn in by_provider[code]:
            value = answer if isinstance(answer, BaseException) else answer.get(crn)
            if value is not None:
                found[(code, crn)] = value  # an error fails only this CRC's keys
    return cast("Mapping[CaseKey, PartnerCaseRecord]", found)


async def _appointments(port: CrcPort, key: AppointmentsKey) -> Appointments | None:
    code, crn, start, end, limit = key
    return await port.appointments(code, crn, date_from=start, date_to=end, limit=limit)


def configured(loaders: CrcLoaders | None) -> CrcLoaders:
    """The CRC loaders under a partner case (which exists only when they are configured)."""
    if loaders is None:
        raise LookupError("no CRC backends configured")
    return loaders


async def partner_case(
    loaders: CrcLoaders | None, provider_code: str | None, crn: str, ahead: Lookahead | None = None
) -> PartnerCaseRecord | None:
    """The CRC's record of a case; None when no provider is given, no CRC backends are
    configured, the CRC is not registered, or it does not hold the case.

    ``ahead`` starts the selected sub-fields' calls while the batchGet is in flight.
    """
    if provider_code is None or loaders is None or not loaders.knows(provider_code):
        return None
    if ahead is not None:
        ahead.start(loaders, provider_code, crn)
    return await loaders.cases.load((provider_code, crn))


def appointments_key(
    provider_code: str, crn: str, date_from: date | None, date_to: date | None, first: int | None
) -> AppointmentsKey | None:
    """The question for a window of appointments; None when none are asked for (``first``
    0); BAD_USER_INPUT for a count out of range or a window that ends before it starts."""
    if first is None:
        first = DEFAULT_APPOINTMENTS
    if not 0 <= first <= MAX_APPOINTMENTS:
        raise bad_input(f"first must be between 0 and {MAX_APPOINTMENTS}")
    if date_from is not None and date_to is not None and date_to < date_from:
        raise bad_input("to must not be before from")
    return None if first == 0 else (provider_code, crn, date_from, date_to, first)


async def partner_appointments(
    loaders: CrcLoaders,
    provider_code: str,
    crn: str,
    *,
    date_from: date | None,
    date_to: date | None,
    first: int | None,
) -> Appointments:
    """Up to ``first`` appointments, oldest first; empty when the case is not held."""
    key = appointments_key(provider_code, crn, date_from, date_to, first)
    return () if key is None else await loaders.appointments.load(key) or ()


async def partner_interventions(loaders: CrcLoaders, provider_code: str, crn: str) -> Interventions:
    """All interventions; empty when the case is not held."""
    return await loaders.interventions.load((provider_code, crn)) or ()


async def partner_unpaid_work(
    loaders: CrcLoaders, provider_code: str, crn: str
) -> UnpaidWorkRecord | None:
    """Unpaid work totals; None when the case is not held."""
    return await loaders.unpaid_work.load((provider_code, crn))


class PartnerTeamRecord(NamedTuple):
    """The team supervising a case at the CRC, as the graph shows it."""

    code: str
    description: str


def partner_team(record: PartnerCaseRecord) -> PartnerTeamRecord | None:
    """The supervising team; None when the CRC records none (a missing name is empty)."""
    if record.team_code is None:
        return None
    return PartnerTeamRecord(record.team_code, record.team_description or "")


Window: TypeAlias = tuple[date | None, date | None, int]


@dataclass(frozen=True, slots=True)
class Lookahead:
    """The partner sub-fields a query selects whose calls can start beside the batchGet,
    so a CRC that answers in 50 ms costs one round trip, not two."""

    appointments: tuple[Window, ...] = ()
    interventions: bool = False
    unpaid_work: bool = False

    def start(self, loaders: CrcLoaders, provider_code: str, crn: str) -> None:
        """Start the calls; the fields' own loads share them (for a case the CRC turns out
        not to hold, each is answered "not held" and unused)."""
        for date_from, date_to, first in self.appointments:
            loaders.appointments.prefetch((provider_code, crn, date_from, date_to, first))
        if self.interventions:
            loaders.interventions.prefetch((provider_code, crn))
        if self.unpaid_work:
            loaders.unpaid_work.prefetch((provider_code, crn))


def lookahead_of(selected: Iterable[tuple[str, Mapping[str, object]]]) -> Lookahead:
    """Which calls to start ahead for the sub-fields of ``partner`` selected, given as
    (field name, arguments). Arguments may be coerced values or a document's literals;
    an appointments window that is invalid or not known is left to its field."""
    windows: list[Window] = []
    interventions = unpaid_work = False
    for name, arguments in selected:
        if name == "appointments":
            window = _window(arguments)
            if window is not None and window not in windows:
                windows.append(window)
        elif name == "interventions":
            interventions = True
        elif name == "unpaidWork":
            unpaid_work = True
    return Lookahead(tuple(windows), interventions, unpaid_work)


def _window(arguments: Mapping[str, object]) -> Window | None:
    first = _count(arguments.get("first"))
    (from_known, date_from), (to_known, date_to) = (
        _day(arguments.get("from")),
        _day(arguments.get("to")),
    )
    if first is None or not from_known or not to_known:
        return None
    try:
        key = appointments_key("", "", date_from, date_to, first)
    except PublicError:
        return None
    return None if key is None else key[2:]


def _count(value: object) -> int | None:
    """A count argument: absent is the default, an int, or digits from a literal."""
    if value is None:
        return DEFAULT_APPOINTMENTS
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _day(value: object) -> tuple[bool, date | None]:
    """A day argument (absent, a date, or an ISO day from a literal), and whether it is one."""
    if value is None or isinstance(value, date):
        return True, value
    try:
        return (True, date.fromisoformat(value)) if isinstance(value, str) else (False, None)
    except ValueError:
        return False, None

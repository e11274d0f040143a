"""Reading the partner API's JSON into records, strictly: a wrong shape is ``MalformedBody``.

The contract sends every optional value as null, so a missing key is as malformed as a
wrong type. Date-times must carry an offset; whatever offset a partner sends, the record
holds the instant in Europe/London, as nDelius times are, so a front-end printing the time
shows the same hour whichever backend it came from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.crc.failures import MalformedBody
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    PractitionerRecord,
    UnpaidWorkRecord,
)

Json = dict[str, Any]
LONDON = ZoneInfo("Europe/London")


def case(body: Json) -> PartnerCaseRecord:
    """A Case object."""
    team = _opt_obj(body, "team")
    practitioner = _opt_obj(body, "allocatedPractitioner")
    return PartnerCaseRecord(
        crn=_str(body, "crn"),
        provider_code=_str(body, "providerCode"),
        status=_str(body, "status"),
        practitioner=_practitioner(practitioner) if practitioner is not None else None,
        team_code=_str(team, "code") if team is not None else None,
        team_description=_str(team, "description") if team is not None else None,
        last_updated=_datetime(body, "lastUpdated"),
        spg_version=_opt_str(body, "spgVersion"),
    )


def batch(body: Json) -> list[PartnerCaseRecord]:
    """The found cases of a batchGet response (``notFound`` only has to be a list)."""
    _list(body, "notFound")
    return [case(_as_obj(item)) for item in _list(body, "cases")]


def appointment_page(body: Json) -> tuple[list[PartnerAppointmentRecord], str | None]:
    """One AppointmentPage: its items and the cursor of the next page, if any."""
    items = [_appointment(_as_obj(item)) for item in _list(body, "items")]
    return items, _opt_str(body, "nextCursor")


def interventions(body: Json) -> tuple[PartnerInterventionRecord, ...]:
    """The interventions list response."""
    return tuple(_intervention(_as_obj(item)) for item in _list(body, "interventions"))


def unpaid_work(body: Json) -> UnpaidWorkRecord:
    """The UnpaidWork summary, reduced to totals and the last session's date."""
    session = _opt_obj(body, "lastSession")
    _list(body, "requirements")
    return UnpaidWorkRecord(
        hours_ordered=_number(body, "hoursOrdered"),
        hours_completed=_number(body, "hoursCompleted"),
        last_session=_date(session, "date") if session is not None else None,
    )


def _practitioner(body: Json) -> PractitionerRecord:
    return PractitionerRecord(
        code=_str(body, "code"), name=_str(body, "name"), email=_opt_str(body, "email")
    )


def _appointment(body: Json) -> PartnerAppointmentRecord:
    kind = _obj(body, "type")
    location = _opt_obj(body, "location")
    outcome = _opt_obj(body, "outcome")
    end = body.get("end", ...)
    if end is ...:
        raise MalformedBody("end")
    return PartnerAppointmentRecord(
        id=_str(body, "id"),
        type_code=_str(kind, "code"),
        type_description=_str(kind, "description"),
        start=_datetime(body, "start"),
        end=_datetime(body, "end") if end is not None else None,
        location=_str(location, "description") if location is not None else None,
        outcome_code=_str(outcome, "code") if outcome is not None else None,
        outcome_description=_str(outcome, "description") if outcome is not None else None,
        attended=_bool(outcome, "attended") if outcome is not None else None,
        complied=_bool(outcome, "complied") if outcome is not None else None,
        event_number=_opt_int(body, "eventNumber"),
        delius_contact_id=_opt_int(body, "deliusContactId"),
        external_reference=_str(body, "externalReference"),
        location_code=_str(location, "code") if location is not None else None,
        practitioner=_practitioner(_obj(body, "practitioner")),
    )


def _intervention(body: Json) -> PartnerInterventionRecord:
    return PartnerInterventionRecord(
        id=_str(body, "id"),
        name=_str(body, "name"),
        category=_str(body, "category"),
        status=_str(body, "status"),
        referral_date=_date(body, "referralDate"),
        start_date=_date(body, "startDate") if _present(body, "startDate") else None,
        end_date=_date(body, "endDate") if _present(body, "endDate") else None,
        sessions_attended=_int(body, "sessionsAttended"),
        sessions_planned=_opt_int(body, "sessionsPlanned"),
        event_number=_opt_int(body, "eventNumber"),
        delius_nsi_id=_opt_int(body, "deliusNsiId"),
    )


def _field(body: Json, key: str) -> Any:
    if key not in body:
        raise MalformedBody(key)
    return body[key]


def _present(body: Json, key: str) -> bool:
    return _field(body, key) is not None


def _as_obj(value: Any) -> Json:
    if not isinstance(value, dict):
        raise MalformedBody("object expected")
    return value


def _obj(body: Json, key: str) -> Json:
    return _as_obj(_field(body, key))


def _opt_obj(body: Json, key: str) -> Json | None:
    value = _field(body, key)
    return None if value is None else _as_obj(value)


def _list(body: Json, key: str) -> list[Any]:
    value = _field(body, key)
    if not isinstance(value, list):
        raise MalformedBody(key)
    return value


def _str(body: Json, key: str) -> str:
    value = _field(body, key)
    if not isinstance(value, str):
        raise MalformedBody(key)
    return value


def _opt_str(body: Json, key: str) -> str | None:
    return _str(body, key) if _present(body, key) else None


def _int(body: Json, key: str) -> int:
    value = _field(body, key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedBody(key)
    return value


def _opt_int(body: Json, key: str) -> int | None:
    return _int(body, key) if _present(body, key) else None


def _number(body: Json, key: str) -> float:
    value = _field(body, key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedBody(key)
    return float(value)


def _bool(body: Json, key: str) -> bool:
    value = _field(body, key)
    if not isinstance(value, bool):
        raise MalformedBody(key)
    return value


def _datetime(body: Json, key: str) -> datetime:
    try:
        value = datetime.fromisoformat(_str(body, key))
    except ValueError:
        raise MalformedBody(key) from None
    if value.tzinfo is None:
        raise MalformedBody(key)
    return value.astimezone(LONDON)


def _date(body: Json, key: str) -> date:
    try:
        return date.fromisoformat(_str(body, key))
    except ValueError:
        raise MalformedBody(key) from None

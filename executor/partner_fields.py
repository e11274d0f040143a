"""The partner fields in plans: what the CRC holding a case records about it.

``Case.partner`` reads the current manager, then asks the CRC (one batchGet per CRC and
level). The partner sub-fields whose calls can start beside that batchGet are known when
the document is compiled, so the look-ahead is worked out once per plan, not per
request; a sub-field whose arguments come from variables loads on its own, a round trip
later, with the same answer. The rules are ``resolvers.partner``'s and
``resolvers.field_rules.partner_of``; the sources are CRC records
(``adapters.crc.records``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.crc.records import PartnerAppointmentRecord, PartnerCaseRecord
from executor.attributes import attributes_of
from executor.specs import Args, Call, Load, Spec, Sync, listed, loaded
from executor.tree import Selection
from resolvers import field_rules
from resolvers.context import Context
from resolvers.partner import (
    Appointments,
    Lookahead,
    configured,
    lookahead_of,
    partner_appointments,
    partner_team,
)
from resolvers.policy import CaseView
from schema.partner import (
    PartnerAppointment,
    PartnerCase,
    PartnerIntervention,
    PartnerPractitioner,
    PartnerTeam,
    UnpaidWork,
)


def _partner(ahead: Lookahead) -> Call:
    """``Case.partner`` starting the calls of ``ahead`` beside the batchGet."""

    async def run(view: CaseView, args: Args, context: Context) -> PartnerCaseRecord | None:
        case = field_rules.visible_record(view)
        return await field_rules.partner_of(context, case.offender_id, case.crn, ahead)

    return Call(run, permission=False, for_selection=_for_selection, start=_manager_first)


def _manager_first(view: CaseView, args: Args, context: Context) -> None:
    """Read the current manager ahead of the level's other reads: the CRC waits on it."""
    if not view.limited:
        context.delius.managers.prefetch(view.record.offender_id)


def managers_by_crn_first(crns: Sequence[str], context: Context) -> None:
    """Read the cases' manager allocations by CRN beside the cases themselves: the CRC
    call of ``partner``, which waits on the current manager, then starts as soon as the
    case is shown, with the OASys calls, instead of a read later. Nothing is read for a
    list longer than the field accepts: the field refuses it."""
    if len(crns) > context.limits.max_cases:
        return
    loader = context.delius.managers_by_crn
    for crn in crns:
        loader.prefetch(crn)


def _for_selection(selection: Selection) -> Call:
    """The look-ahead of one compiled ``partner { ... }`` selection."""
    return _partner(
        lookahead_of(
            (field.name, field.args) for field in selection.fields if field.args is not None
        )
    )


async def _appointments(record: PartnerCaseRecord, args: Args, context: Context) -> Appointments:
    return await partner_appointments(
        configured(context.crc),
        record.provider_code,
        record.crn,
        date_from=args.get("from"),
        date_to=args.get("to"),
        first=args.get("first"),
    )


def _case_key(record: PartnerCaseRecord, args: Args, context: Context) -> tuple[str, str]:
    return (record.provider_code, record.crn)


def _provider(record: Any, key: Any, source: Any, args: Args, context: Context) -> Any:
    return field_rules.required(record, "partner case of an unknown provider")


def _contact_id(record: PartnerAppointmentRecord, args: Args, context: Context) -> str | None:
    contact = record.delius_contact_id
    return None if contact is None else str(contact)


PARTNER_FIELDS: dict[str, dict[str, Spec]] = {
    "Case": {"partner": _partner(Lookahead())},
    "PartnerCase": attributes_of(
        PartnerCase,
        team=Sync(lambda r, a, c: partner_team(r), safe=True),
        provider=Load(
            lambda c: c.delius.provider_by_code, lambda r, a, c: r.provider_code, _provider
        ),
        appointments=Call(_appointments, permission=False),
        interventions=Load(lambda c: configured(c.crc).interventions, _case_key, listed),
        unpaidWork=loaded(lambda c: configured(c.crc).unpaid_work, _case_key),
    ),
    "PartnerPractitioner": attributes_of(PartnerPractitioner),
    "PartnerTeam": attributes_of(PartnerTeam),
    "PartnerAppointment": attributes_of(
        PartnerAppointment,
        type=Sync(lambda r, a, c: r.type_description, safe=True),
        outcome=Sync(lambda r, a, c: r.outcome_description, safe=True),
        deliusContactId=Sync(_contact_id, safe=True),
    ),
    "PartnerIntervention": attributes_of(
        PartnerIntervention,
        deliusNsiId=Sync(
            lambda r, a, c: None if r.delius_nsi_id is None else str(r.delius_nsi_id), safe=True
        ),
    ),
    "UnpaidWork": attributes_of(UnpaidWork),
}
"""The partner part of the graph, merged into ``executor.graph.FIELDS``."""

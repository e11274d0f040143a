"""The case-access policy: the one place that decides whether a caller sees a case.

In order, deny by default:

1. the caller must hold a case-reading capability: ``ROLE_CASEGRAPH_READ``, or
   ``ROLE_CASEGRAPH_PARTNER`` together with a provider code (a partner client);
2. a partner sees only cases whose current manager belongs to its provider; any other
   case is answered exactly like a CRN that does not exist (null, NOT_FOUND);
3. limited access: an excluded or restricted caller gets the case's CRN and access
   standing with the legacy message, and nothing else (LIMITED_ACCESS);
4. if the limited-access check itself cannot be made, the answer is no (fail closed).

Every decision is noted on the request's audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from adapters.records import AccessRecord, CaseRecord, ManagerRecord
from resolvers.audit import Outcome
from resolvers.cases import checked_crn
from resolvers.context import Context
from resolvers.errors import ErrorCode, PublicError, bad_input
from resolvers.managers import current_manager, current_of
from resolvers.viewer import Caller, Role

EXCLUDED_DEFAULT = "You are excluded from viewing this case."
RESTRICTED_DEFAULT = "This case is restricted; you are not on its access list."


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as this caller may see it: whole, or only its CRN and access standing."""

    record: CaseRecord
    access: AccessRecord
    message: str | None

    @property
    def limited(self) -> bool:
        """True when the caller may see only the CRN and the access standing."""
        return self.message is not None


def can_read_cases(caller: Caller) -> bool:
    """Whether the caller holds a case-reading capability at all."""
    if caller.is_partner:
        return Role.PARTNER in caller.roles
    return Role.READ_CASES in caller.roles


def require_case_reader(caller: Caller) -> None:
    """A FORBIDDEN error unless the caller may read cases."""
    if not can_read_cases(caller):
        raise PublicError("you may not read cases", code=ErrorCode.FORBIDDEN)


def not_found() -> PublicError:
    """The answer for a CRN that does not exist, or that the caller must not know exists."""
    return PublicError("no case with this CRN", code=ErrorCode.NOT_FOUND)


async def view_of_crn(context: Context, crn: str) -> CaseView:
    """The case behind a CRN as the caller may see it; NOT_FOUND when there is none."""
    require_case_reader(context.caller)
    canonical = checked_crn(crn)
    try:
        found = await context.delius.case_with_access.load(canonical)
    except PublicError as error:
        raise _failed(context, canonical) from error
    if found is None:
        raise _missing(context, canonical)
    record, access = found
    if context.caller.is_partner:
        _raise(_out_of_scope(context, record, await holder_of(context, record)))
    return _decided(context, record, access)


async def views_of_crns(context: Context, crns: Sequence[str]) -> list[CaseView | PublicError]:
    """The case behind each CRN as ``view_of_crn`` gives it, or its error in its place:
    one batched read for all of them, each decided by the same rules. More CRNs than the
    limits allow is BAD_USER_INPUT for the whole list."""
    require_case_reader(context.caller)
    limit = context.limits.max_cases
    if len(crns) > limit:
        raise bad_input(f"at most {limit} CRNs at once")
    return await decided_views(context, crns)


async def decided_views(context: Context, crns: Sequence[str]) -> list[CaseView | PublicError]:
    """``views_of_crns`` without its cap, for a caller that applies a cap of its own
    (federation's representations)."""
    require_case_reader(context.caller)
    results: list[CaseView | PublicError | None] = [None] * len(crns)
    wanted: dict[int, str] = {}
    for index, crn in enumerate(crns):
        try:
            wanted[index] = checked_crn(crn)
        except PublicError as error:
            results[index] = error
    try:
        found = await context.delius.case_with_access.load_many(list(wanted.values()))
    except PublicError:
        for index, canonical in wanted.items():
            results[index] = _failed(context, canonical)
        return _filled(results)
    cases: dict[int, tuple[CaseRecord, AccessRecord]] = {}
    for (index, canonical), item in zip(wanted.items(), found, strict=True):
        if item is None:
            results[index] = _missing(context, canonical)
        else:
            cases[index] = item
    if context.caller.is_partner and cases:
        try:
            holders = await holders_of(context, [record for record, _ in cases.values()])
        except PublicError as error:
            for index in cases:
                results[index] = error
            return _filled(results)
        for (index, (record, _)), holder in zip(list(cases.items()), holders, strict=True):
            if (refused := _out_of_scope(context, record, holder)) is not None:
                results[index] = refused
                del cases[index]
    for index, (record, access) in cases.items():
        results[index] = _decided(context, record, access)
    return _filled(results)


async def view_of(context: Context, record: CaseRecord) -> CaseView:
    """A found case as the caller may see it; NOT_FOUND when out of a partner's scope."""
    require_case_reader(context.caller)
    if context.caller.is_partner:
        _raise(_out_of_scope(context, record, await holder_of(context, record)))
    try:
        access = await context.delius.access.load(record.offender_id)
    except PublicError:
        raise _failed(context, record.crn) from None
    return _decided(context, record, access)


async def holder_of(context: Context, record: CaseRecord) -> str | None:
    """The code of the provider whose practitioner currently manages the case."""
    return _provider_of(await current_manager(context, record.offender_id))


async def holders_of(context: Context, records: Sequence[CaseRecord]) -> list[str | None]:
    """``holder_of`` for many cases, in one batch."""
    found = await context.delius.managers.load_many([r.offender_id for r in records])
    return [_provider_of(current_of(managers)) for managers in found]


def _provider_of(manager: ManagerRecord | None) -> str | None:
    return manager.provider.code if manager is not None else None


def _out_of_scope(context: Context, record: CaseRecord, holder: str | None) -> PublicError | None:
    """NOT_FOUND for a partner asking for a case its provider does not hold, else None."""
    if holder == context.caller.provider_code:
        return None
    context.audit.touch(record.crn, Outcome.OUT_OF_SCOPE)
    return not_found()


def _decided(context: Context, record: CaseRecord, access: AccessRecord | None) -> CaseView:
    """The case, whole or limited, as the caller's access standing allows."""
    if access is None:  # no answer for a case that exists: deny
        access = AccessRecord(offender_id=record.offender_id, excluded=True, restricted=True)
    message = access_message(record, access)
    context.audit.touch(record.crn, Outcome.VISIBLE if message is None else Outcome.LIMITED_ACCESS)
    return CaseView(record=record, access=access, message=message)


def _failed(context: Context, crn: str) -> PublicError:
    """The case or its access standing could not be read: deny (fail closed)."""
    context.audit.touch(crn, Outcome.FAILED)
    return _unavailable()


def _missing(context: Context, crn: str) -> PublicError:
    context.audit.touch(crn, Outcome.NOT_FOUND)
    return not_found()


def _raise(error: PublicError | None) -> None:
    if error is not None:
        raise error


def _filled(results: list[CaseView | PublicError | None]) -> list[CaseView | PublicError]:
    assert all(result is not None for result in results)
    return cast(list[CaseView | PublicError], results)


def access_message(record: CaseRecord, access: AccessRecord) -> str | None:
    """The legacy message to show instead of a case the caller may not see."""
    if access.excluded:
        return record.exclusion_message or EXCLUDED_DEFAULT
    if access.restricted:
        return record.restriction_message or RESTRICTED_DEFAULT
    return None


def _unavailable() -> PublicError:
    """The limited-access check could not be made: deny, and say nDelius is why."""
    return PublicError(
        "access to this case cannot be checked now",
        code=ErrorCode.SERVICE_UNAVAILABLE,
        source="delius",
    )


def limited_access(view: CaseView) -> PublicError:
    """The error on every field of a case the caller may not see."""
    return PublicError(view.message or RESTRICTED_DEFAULT, code=ErrorCode.LIMITED_ACCESS)

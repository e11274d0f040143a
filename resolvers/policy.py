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

from adapters.records import AccessRecord, CaseRecord
from resolvers.audit import Outcome
from resolvers.cases import checked_crn
from resolvers.context import Context
from resolvers.errors import ErrorCode, PublicError
from resolvers.managers import current_of
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
    return _or_raise((await views_of_crns(context, [crn]))[0])


async def views_of_crns(context: Context, crns: Sequence[str]) -> list[CaseView | PublicError]:
    """The case behind each CRN as the caller may see it, or the error in its place: one
    batched read for all of them, every decision as ``view_of_crn`` makes it."""
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
            context.audit.touch(canonical, Outcome.FAILED)
            results[index] = _unavailable()
        return _filled(results)
    records: dict[int, CaseRecord] = {}
    accesses: list[AccessRecord] = []
    for (index, canonical), item in zip(wanted.items(), found, strict=True):
        if item is None:
            context.audit.touch(canonical, Outcome.NOT_FOUND)
            results[index] = not_found()
        else:
            records[index] = item[0]
            accesses.append(item[1])
    views = await _views(context, list(records.values()), accesses)
    for index, view in zip(records, views, strict=True):
        results[index] = view
    return _filled(results)


async def view_of(context: Context, record: CaseRecord) -> CaseView:
    """A found case as the caller may see it; NOT_FOUND when out of a partner's scope."""
    return _or_raise((await views_of(context, [record]))[0])


async def views_of(context: Context, records: Sequence[CaseRecord]) -> list[CaseView | PublicError]:
    """Found cases as the caller may see them, each NOT_FOUND when out of a partner's scope."""
    return await _views(context, records, None)


async def _views(
    context: Context,
    records: Sequence[CaseRecord],
    known: Sequence[AccessRecord] | None,
) -> list[CaseView | PublicError]:
    """``views_of``, with the callers' access standings when they were read with the cases."""
    caller = context.caller
    require_case_reader(caller)
    results: list[CaseView | PublicError | None] = [None] * len(records)
    if caller.is_partner:
        try:
            holders = await holders_of(context, records)
        except PublicError as error:
            return [error] * len(records)
        for index, (record, holder) in enumerate(zip(records, holders, strict=True)):
            if holder != caller.provider_code:
                context.audit.touch(record.crn, Outcome.OUT_OF_SCOPE)
                results[index] = not_found()
    scoped = [(i, r) for i, r in enumerate(records) if results[i] is None]
    try:
        accesses: Sequence[AccessRecord | None] = (
            [known[i] for i, _ in scoped]
            if known is not None
            else await context.delius.access.load_many([r.offender_id for _, r in scoped])
        )
    except PublicError:
        for index, record in scoped:
            context.audit.touch(record.crn, Outcome.FAILED)
            results[index] = _unavailable()
        return _filled(results)
    for (index, record), found in zip(scoped, accesses, strict=True):
        # No answer for a case that exists: deny.
        access = found or AccessRecord(
            offender_id=record.offender_id, excluded=True, restricted=True
        )
        message = access_message(record, access)
        outcome = Outcome.VISIBLE if message is None else Outcome.LIMITED_ACCESS
        context.audit.touch(record.crn, outcome)
        results[index] = CaseView(record=record, access=access, message=message)
    return _filled(results)


async def holders_of(context: Context, records: Sequence[CaseRecord]) -> list[str | None]:
    """The code of the provider whose practitioner currently manages each case."""
    managers = await context.delius.managers.load_many([r.offender_id for r in records])
    return [
        current.provider.code if (current := current_of(found)) is not None else None
        for found in managers
    ]


def _filled(results: list[CaseView | PublicError | None]) -> list[CaseView | PublicError]:
    assert all(result is not None for result in results)
    return cast(list[CaseView | PublicError], results)


def _or_raise(result: CaseView | PublicError) -> CaseView:
    if isinstance(result, PublicError):
        raise result
    return result


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

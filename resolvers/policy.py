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

from dataclasses import dataclass

from adapters.records import AccessRecord, CaseRecord
from resolvers.audit import Outcome
from resolvers.cases import checked_crn
from resolvers.context import Context
from resolvers.errors import ErrorCode, PublicError
from resolvers.managers import current_manager
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
        context.audit.touch(canonical, Outcome.FAILED)
        raise _unavailable() from error
    if found is None:
        context.audit.touch(canonical, Outcome.NOT_FOUND)
        raise not_found()
    return await view_of(context, found[0])


async def view_of(context: Context, record: CaseRecord) -> CaseView:
    """A found case as the caller may see it; NOT_FOUND when out of a partner's scope."""
    caller = context.caller
    require_case_reader(caller)
    if caller.is_partner and await holder_of(context, record) != caller.provider_code:
        context.audit.touch(record.crn, Outcome.OUT_OF_SCOPE)
        raise not_found()
    access = await _access(context, record)
    message = access_message(record, access)
    context.audit.touch(record.crn, Outcome.VISIBLE if message is None else Outcome.LIMITED_ACCESS)
    return CaseView(record=record, access=access, message=message)


async def holder_of(context: Context, record: CaseRecord) -> str | None:
    """The code of the provider whose practitioner currently manages the case."""
    current = await current_manager(context, record.offender_id)
    return current.provider.code if current is not None else None


def access_message(record: CaseRecord, access: AccessRecord) -> str | None:
    """The legacy message to show instead of a case the caller may not see."""
    if access.excluded:
        return record.exclusion_message or EXCLUDED_DEFAULT
    if access.restricted:
        return record.restriction_message or RESTRICTED_DEFAULT
    return None


async def _access(context: Context, record: CaseRecord) -> AccessRecord:
    try:
        access = await context.delius.access.load(record.offender_id)
    except PublicError:
        context.audit.touch(record.crn, Outcome.FAILED)
        raise _unavailable() from None
    if access is None:  # no answer for a case that exists: deny
        return AccessRecord(offender_id=record.offender_id, excluded=True, restricted=True)
    return access


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

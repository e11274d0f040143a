"""Finding cases the caller may see: CRN checks, limited access, pages and arguments."""

from __future__ import annotations

import re

from adapters.records import AccessRecord, CaseRecord
from resolvers.context import Context, Limits
from resolvers.errors import ErrorCode, PublicError, bad_input

CRN_PATTERN = re.compile(r"[A-Z][0-9]{6}")

EXCLUDED_DEFAULT = "You are excluded from viewing this case."
RESTRICTED_DEFAULT = "This case is restricted; you are not on its access list."


def checked_crn(crn: str) -> str:
    """A CRN in its canonical form (upper case), or a BAD_USER_INPUT error."""
    canonical = crn.strip().upper()
    if not CRN_PATTERN.fullmatch(canonical):
        raise bad_input("a CRN is a letter followed by six digits, e.g. X320741")
    return canonical


def checked_page_size(first: int, limits: Limits) -> int:
    """A page size within 0..max_page_size, or a BAD_USER_INPUT error."""
    if first < 0 or first > limits.max_page_size:
        raise bad_input(f"first must be between 0 and {limits.max_page_size}")
    return first


def access_message(case: CaseRecord, access: AccessRecord) -> str | None:
    """The legacy message to show instead of a case the caller may not see."""
    if access.excluded:
        return case.exclusion_message or EXCLUDED_DEFAULT
    if access.restricted:
        return case.restriction_message or RESTRICTED_DEFAULT
    return None


async def access_of(context: Context, case: CaseRecord) -> AccessRecord:
    """The caller's limited-access standing on a case; fails closed when it cannot be told."""
    access = await context.delius.access.load(case.offender_id)
    if access is None:  # the check returned nothing for a case that exists: deny
        return AccessRecord(offender_id=case.offender_id, excluded=True, restricted=True)
    return access


async def ensure_visible(context: Context, case: CaseRecord) -> CaseRecord:
    """The case, or a LIMITED_ACCESS error carrying the legacy message."""
    access = await access_of(context, case)
    message = access_message(case, access)
    if message is not None:
        raise PublicError(message, code=ErrorCode.LIMITED_ACCESS)
    return case


async def visible_case(context: Context, crn: str) -> CaseRecord | None:
    """The live case with this CRN if the caller may see it; None when there is none."""
    case = await context.delius.case_by_crn.load(checked_crn(crn))
    if case is None:
        return None
    return await ensure_visible(context, case)

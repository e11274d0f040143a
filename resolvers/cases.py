"""Arguments shared by the case queries: CRNs, organisation codes and page sizes."""

from __future__ import annotations

import re

from resolvers.context import Limits
from resolvers.errors import bad_input

CRN_PATTERN = re.compile(r"[A-Z][0-9]{6}")


def checked_crn(crn: str) -> str:
    """A CRN in its canonical form (upper case), or a BAD_USER_INPUT error."""
    canonical = crn.strip().upper()
    if not CRN_PATTERN.fullmatch(canonical):
        raise bad_input("a CRN is a letter followed by six digits, e.g. X320741")
    return canonical


def organisation_code(code: str) -> str:
    """An officer, team or provider code as nDelius stores it (upper case, no padding)."""
    return code.strip().upper()


def checked_page_size(first: int, limits: Limits) -> int:
    """A page size within 0..max_page_size, or a BAD_USER_INPUT error."""
    if first < 0 or first > limits.max_page_size:
        raise bad_input(f"first must be between 0 and {limits.max_page_size}")
    return first

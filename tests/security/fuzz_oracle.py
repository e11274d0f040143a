"""What every fuzzed response must satisfy, and the scope facts the oracle judges against.

A response passes when it is no 5xx, every error carries ``extensions.code``, and no error
holds anything a client must never see: a stack trace, SQL, a file path or a Python
exception name. The CRN oracle then says whether a response names a case outside the
caller's scope, in its data or its errors, in any letter case.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

UNMASKED = re.compile(
    r"Traceback|File \"|line \d+, in "  # a stack
    r"|\bSELECT\b|\bFROM\s+offender\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bWHERE\b"  # SQL
    r"|asyncpg|psycopg|sqlstate|zeep|lxml|strawberry|graphql\.|starlette|uvicorn|httpx"  # libraries
    r"|/work/|/usr/|/tmp/|site-packages|\.py\b"  # paths
    r"|\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|<class '|object at 0x",  # Python names
)
"""Text that must never appear in an error a client receives."""

CRN_ANYCASE = re.compile(r"[A-Za-z][0-9]{6}")


@dataclass(frozen=True)
class Verdict:
    """One response, judged; ``problems`` is empty when it passes."""

    status: int
    body: Any
    problems: tuple[str, ...]


def judge(status: int, text: str) -> Verdict:
    """No 5xx, a JSON object body, coded errors only, nothing unmasked in any error."""
    problems: list[str] = []
    if status >= 500:
        problems.append(f"status {status}")
    try:
        body = json.loads(text)
    except ValueError:
        return Verdict(status, None, (*problems, "the body is not JSON"))
    if not isinstance(body, dict):
        return Verdict(status, body, (*problems, "the body is not a JSON object"))
    errors = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str) or not code:
            problems.append(f"an error without extensions.code: {error}")
        elif code == "INTERNAL_SERVER_ERROR":
            problems.append(f"a masked internal error (a bug behind it): {error}")
        leak = UNMASKED.search(json.dumps(error))
        if leak:
            problems.append(f"an unmasked message ({leak.group(0)!r}): {error}")
    if status == 200 and "data" not in body and not errors:
        problems.append("a 200 with neither data nor errors")
    return Verdict(status, body, tuple(problems))


def crns_named(text: str) -> set[str]:
    """Every CRN-shaped token in a text, upper-cased (CRNs are matched ignoring case).

    Cursors are base64: every string in a JSON body is read decoded as well, so a CRN
    carried inside a cursor counts as named.
    """
    found = {match.upper() for match in CRN_ANYCASE.findall(text)}
    try:
        body = json.loads(text)
    except ValueError:
        return found
    for value in _strings(body):
        if BASE64URL.fullmatch(value):
            try:
                decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            except (ValueError, binascii.Error):
                continue
            found |= {m.upper() for m in CRN_ANYCASE.findall(decoded.decode("latin-1"))}
    return found


BASE64URL = re.compile(r"[A-Za-z0-9_-]{8,}={0,2}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@dataclass(frozen=True)
class Scope:
    """The seeded CRNs, split by whether a partner provider may see them."""

    provider: str
    ours: tuple[str, ...]
    ours_limited: tuple[str, ...]
    theirs: tuple[str, ...]
    theirs_limited: tuple[str, ...]
    staff_ours: tuple[str, ...]
    staff_theirs: tuple[str, ...]
    words_theirs: tuple[str, ...]
    """Surnames, PNC and NOMS numbers of other providers' cases: what a search would find."""
    births_theirs: tuple[str, ...]
    codes: tuple[str, ...]
    """Team and provider codes, for the ``ID`` arguments that take them."""

    @property
    def outside(self) -> frozenset[str]:
        """CRNs the partner must never see named."""
        return frozenset((*self.theirs, *self.theirs_limited))

    def leaked(self, text: str) -> set[str]:
        """The out-of-scope CRNs a response names."""
        return crns_named(text) & self.outside


HOLDERS = """
    SELECT btrim(o.crn) AS crn, pa.code AS provider, o.soft_deleted = 0 AS live,
           (o.current_exclusion = 1 OR o.current_restriction = 1) AS limited
    FROM offender o
    LEFT JOIN offender_manager om ON om.offender_id = o.offender_id
         AND om.active_flag = 1 AND om.soft_deleted = 0
    LEFT JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
"""

STAFF = """
    SELECT DISTINCT btrim(s.officer_code) AS code, pa.code AS provider
    FROM offender_manager om
    JOIN staff s ON s.staff_id = om.allocation_staff_id
    JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
    WHERE om.active_flag = 1 AND om.soft_deleted = 0
"""


async def scope_of(sql: Any, provider: str, sample: int = 40) -> Scope:
    """The partner's scope as the legacy tables say, and samples of each kind of CRN.

    ``outside`` is every other CRN, soft-deleted ones included, so the oracle catches a
    leak of any case, not only the sampled ones the fuzzer sends.
    """
    rows = await sql.fetch(HOLDERS)
    mine = [r for r in rows if r["live"] and r["provider"] == provider]
    ours = sorted({r["crn"] for r in mine if not r["limited"]})
    ours_limited = sorted({r["crn"] for r in mine if r["limited"]})
    held = set(ours) | set(ours_limited)
    others = [r for r in rows if r["crn"] not in held]  # soft-deleted rows included
    theirs = sorted({r["crn"] for r in others if not r["limited"]})
    theirs_limited = sorted({r["crn"] for r in others if r["limited"]})
    assert ours, f"the seed must give {provider} cases of its own"
    assert theirs, f"the seed must give other providers cases outside {provider}'s scope"
    staff = await sql.fetch(STAFF)
    people = await sql.fetch(
        """SELECT surname, btrim(pnc_number) AS pnc, btrim(noms_number) AS noms,
                  date_of_birth_date AS born
           FROM offender WHERE soft_deleted = 0 AND btrim(crn) = ANY($1)""",
        theirs[:sample],
    )
    return Scope(
        provider=provider,
        ours=tuple(ours),
        ours_limited=tuple(ours_limited),
        theirs=tuple(theirs),
        theirs_limited=tuple(theirs_limited),
        staff_ours=_first(sample, (r["code"] for r in staff if r["provider"] == provider)),
        staff_theirs=_first(sample, (r["code"] for r in staff if r["provider"] != provider)),
        words_theirs=tuple(
            sorted({w for r in people for w in (r["surname"], r["pnc"], r["noms"]) if w})
        ),
        births_theirs=tuple(sorted({r["born"].isoformat() for r in people})),
        codes=tuple(
            r["code"]
            for r in await sql.fetch(
                "SELECT DISTINCT btrim(code) AS code FROM probation_area UNION "
                "(SELECT DISTINCT btrim(code) FROM team ORDER BY 1 LIMIT 20)"
            )
        ),
    )


def _first(count: int, values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values))[:count])

"""Writes into nDelius: who may write, what input is sane, and the idempotency claim.

Expected refusals (bad input, a case the caller may not write to, reference-data
failures, CONFLICT, a reused key) come back as problems in the result; only outages and
bugs are errors. The order is: input checks, the case-access policy (the same one reads
use, so a partner writes only to cases it holds and a limited-access case is refused),
then the adapter, which checks reference data and writes in one transaction.

Authorship: a caller's username is matched to USER_. A partner client with no username
writes as the USER_ row named after its client id, if nDelius has one; any other caller
without a known, current user is refused (UNKNOWN_USER).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime

from adapters.errors import BackendError
from adapters.ports import WritePort
from adapters.queries import Author, ContactDraft, OutcomeDraft, WriteClaim
from adapters.records import ProblemCode, WriteProblem, WriteResult
from resolvers.audit import Outcome
from resolvers.context import Context
from resolvers.errors import ErrorCode, PublicError, from_backend
from resolvers.policy import CaseView, view_of_crn
from resolvers.viewer import Caller

MAX_KEY_LENGTH = 200
MAX_REFERENCE_LENGTH = 4000


def write_port(context: Context) -> WritePort:
    """The nDelius write port of this request."""
    if context.writes is None:
        raise PublicError("writes are not available", code=ErrorCode.SERVICE_UNAVAILABLE)
    return context.writes


def refused(field: str | None, code: ProblemCode, message: str) -> WriteResult:
    """A result carrying one problem and no contact."""
    return WriteResult(contact=None, problems=(WriteProblem(field, code, message),))


def author_of(caller: Caller) -> Author:
    """Whose USER_ row signs the write, and the provider a partner is confined to."""
    if caller.is_partner:
        return Author(login=caller.username or caller.client_id, provider_code=caller.provider_code)
    return Author(login=caller.username)


def request_hash(operation: str, canonical: Mapping[str, object]) -> str:
    """A digest of the canonical input: instants in UTC, keys sorted."""

    def plain(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        raise TypeError(type(value).__name__)

    document = json.dumps(
        {"operation": operation, "input": canonical}, sort_keys=True, default=plain
    )
    return "sha256:" + hashlib.sha256(document.encode()).hexdigest()


def key_problems(key: str) -> list[WriteProblem]:
    """An idempotency key is 1 to 200 visible characters."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        message = f"the idempotency key must be 1 to {MAX_KEY_LENGTH} characters"
        return [WriteProblem("idempotency_key", ProblemCode.INVALID_INPUT, message)]
    return []


def text_problems(fields: Mapping[str, object]) -> list[WriteProblem]:
    """nDelius text cannot hold a NUL character: refuse it as input, not as an outage."""
    return [
        WriteProblem(name, ProblemCode.INVALID_INPUT, "text may not contain NUL characters")
        for name, value in fields.items()
        if isinstance(value, str) and "\x00" in value
    ]


def draft_problems(draft: ContactDraft) -> list[WriteProblem]:
    """Checks that need no database: offsets, order of times, sizes."""
    found: list[WriteProblem] = []

    def add(field: str, code: ProblemCode, message: str) -> None:
        found.append(WriteProblem(field, code, message))

    for field, instant in (("start", draft.start), ("end", draft.end)):
        if instant is not None and instant.utcoffset() is None:
            add(field, ProblemCode.INVALID_INPUT, "give the time with its UTC offset")
    if draft.appointment and draft.start is None:
        add("start", ProblemCode.INVALID_INPUT, "an appointment needs a start")
    if not found and draft.start and draft.end and draft.end <= draft.start:
        add("end", ProblemCode.END_BEFORE_START, "the end must be later than the start")
    if not draft.type_code:
        add("type_code", ProblemCode.INVALID_INPUT, "give a contact type code")
    if not draft.appointment and not (draft.notes or "").strip():
        add("notes", ProblemCode.INVALID_INPUT, "a case note needs some text")
    if (
        draft.external_reference is not None
        and len(draft.external_reference) > MAX_REFERENCE_LENGTH
    ):
        add("external_reference", ProblemCode.INVALID_INPUT, "at most 4000 characters")
    if draft.event_number is not None and draft.event_number < 1:
        add("event_number", ProblemCode.INVALID_INPUT, "event numbers start at 1")
    return found


async def writable_case(
    context: Context, crn: str, field: str, missing: str = "no case with this CRN"
) -> CaseView | WriteResult:
    """The case as the policy lets this caller see it, or the problem that stops the write.

    A case out of a partner's scope reads exactly like one that does not exist.
    """
    try:
        view = await view_of_crn(context, crn)
    except PublicError as error:
        if error.code is ErrorCode.BAD_USER_INPUT:
            return refused(field, ProblemCode.INVALID_INPUT, error.message)
        if error.code is ErrorCode.NOT_FOUND:
            return refused(field, ProblemCode.NOT_FOUND, missing)
        raise
    if view.limited:
        return refused(field, ProblemCode.LIMITED_ACCESS, view.message or "limited access")
    return view


def claim_of(context: Context, key: str, operation: str, crn: str, canonical: object) -> WriteClaim:
    """The idempotency claim of this caller for this input."""
    caller = context.caller
    return WriteClaim(
        key=key,
        client_id=caller.client_id,
        username=caller.username,
        operation=operation,
        request_hash=request_hash(operation, {"crn": crn, "draft": canonical}),
        crn=crn,
    )


def _noted(context: Context, crn: str, result: WriteResult) -> WriteResult:
    if result.contact is not None and not result.replayed and not result.problems:
        context.audit.touch(crn, Outcome.WRITTEN)
    return result


async def create_contact(
    context: Context, crn: str, draft: ContactDraft, key: str, operation: str
) -> WriteResult:
    """Schedule an appointment or add a case note, exactly once per key."""
    problems = key_problems(key) + text_problems(asdict(draft)) + draft_problems(draft)
    if problems:
        return WriteResult(contact=None, problems=tuple(problems))
    case = await writable_case(context, crn, "crn")
    if isinstance(case, WriteResult):
        return case
    canonical = case.record.crn
    claim = claim_of(context, key, operation, canonical, asdict(draft))
    try:
        result = await write_port(context).create_contact(
            case.record.offender_id, draft, author_of(context.caller), claim
        )
    except BackendError as error:
        raise from_backend(error) from error
    return _noted(context, canonical, result)


async def record_outcome(
    context: Context, draft: OutcomeDraft, key: str, operation: str
) -> WriteResult:
    """Record an appointment's outcome against the version the caller read, exactly once."""
    problems = key_problems(key) + text_problems(asdict(draft))
    if draft.expected_version < 0:
        problems.append(
            WriteProblem("expected_version", ProblemCode.INVALID_INPUT, "versions start at 0")
        )
    if problems:
        return WriteResult(contact=None, problems=tuple(problems))
    port = write_port(context)
    try:
        crn = await port.case_of_contact(draft.contact_id)
        if crn is None:
            return refused("contact_id", ProblemCode.NOT_FOUND, "no such contact")
        case = await writable_case(context, crn, "contact_id", "no such contact")
        if isinstance(case, WriteResult):
            return case
        claim = claim_of(context, key, operation, case.record.crn, asdict(draft))
        result = await port.record_outcome(draft, author_of(context.caller), claim)
    except BackendError as error:
        raise from_backend(error) from error
    return _noted(context, case.record.crn, result)

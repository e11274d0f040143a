"""Writes into nDelius, exactly once: new contacts (appointments, case notes) and outcomes.

One transaction per write holds everything: the idempotency claim in
``casegraph.idempotency`` (primary key: client, user, key), the reference-data checks and
the CONTACT row. The claim is inserted first with ``ON CONFLICT DO NOTHING``, so a
concurrent identical request waits on the first one's key and then finds it committed
and replays it; a crash at any point leaves either both rows or neither.

The write's case event goes in ``casegraph.case_event_outbox`` in the same transaction.

Legacy conventions on write: ids from ``contact_id_seq``, ROW_VERSION 0 on insert and
+1 on every update, the author's USER_ID and London wall time in the four audit
columns, SOFT_DELETED 0, CONTACT_DATE plus times on the dummy day 1970-01-01.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from adapters.delius import write_checks as checks
from adapters.delius.contacts import ContactQueries
from adapters.delius.database import Database, primary_reads, translate_errors
from adapters.delius.decode import text
from adapters.delius.events_feed.outbox import announce
from adapters.delius.write_checks import Connection, Problems
from adapters.delius.write_contact import Refused, insert_contact
from adapters.errors import BackendUnavailable
from adapters.queries import Author, ContactDraft, OutcomeDraft, WriteClaim
from adapters.records import CaseEventType, ContactRecord, ProblemCode, WriteProblem, WriteResult

_CLAIM = """
INSERT INTO casegraph.idempotency
    (client_id, username, idempotency_key, operation, request_hash, crn, contact_id)
VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::bigint, nextval('contact_id_seq')))
ON CONFLICT DO NOTHING
RETURNING contact_id
"""

_EARLIER = """
SELECT request_hash, contact_id FROM casegraph.idempotency
WHERE client_id = $1 AND username = $2 AND idempotency_key = $3
"""

_LOCK_CONTACT = """
SELECT c.row_version, ct.attendance_contact FROM contact c
JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
WHERE c.contact_id = $1 AND c.soft_deleted = 0
FOR UPDATE OF c
"""

_RECORD_OUTCOME = """
UPDATE contact SET
    contact_outcome_type_id = $2, attended = $3, complied = $4,
    notes = CASE WHEN $5::text IS NULL THEN notes
                 WHEN notes IS NULL OR notes = '' THEN $5::text
                 ELSE notes || E'\\n\\n' || $5::text END,
    row_version = row_version + 1,
    last_updated_user_id = $6, last_updated_datetime = LOCALTIMESTAMP(0)
WHERE contact_id = $1 AND row_version = $7 AND soft_deleted = 0
"""

_CASE_OF_CONTACT = """
SELECT o.crn FROM contact c
JOIN offender o ON o.offender_id = c.offender_id AND o.soft_deleted = 0
WHERE c.contact_id = $1 AND c.soft_deleted = 0
"""

Work = Callable[[Connection, int], Awaitable[None]]


class WriteQueries(ContactQueries):
    """Exactly-once writes of contacts, over the same pool as the reads."""

    _db: Database

    async def case_of_contact(self, contact_id: int) -> str | None:
        """The CRN of the live case a live contact belongs to."""
        return text(await self._db.fetchval(_CASE_OF_CONTACT, contact_id))

    async def create_contact(
        self, offender_id: int, draft: ContactDraft, author: Author, claim: WriteClaim
    ) -> WriteResult:
        """Insert an appointment or case note for the case, once per claim."""

        async def work(conn: Connection, contact_id: int) -> None:
            await insert_contact(conn, contact_id, offender_id, draft, author)
            booked = CaseEventType.APPOINTMENT_BOOKED if draft.appointment else None
            await announce(conn, claim.crn, booked or CaseEventType.CASE_NOTE_ADDED, contact_id)

        return await self._exactly_once(claim, None, work)

    async def record_outcome(
        self, draft: OutcomeDraft, author: Author, claim: WriteClaim
    ) -> WriteResult:
        """Set an appointment's outcome if its row version is still the expected one."""

        async def work(conn: Connection, contact_id: int) -> None:
            await _update_outcome(conn, draft, author)
            recorded = CaseEventType.APPOINTMENT_OUTCOME_RECORDED
            await announce(conn, claim.crn, recorded, contact_id)

        return await self._exactly_once(claim, draft.contact_id, work)

    async def _exactly_once(self, claim: WriteClaim, target: int | None, work: Work) -> WriteResult:
        key = (claim.client_id, (claim.username or "").lower(), claim.key)
        for _ in range(3):  # a claim that vanished between two statements is tried again
            claimed, earlier, refused = await self._attempt(claim, key, target, work)
            # Reads below use a fresh connection: never hold one while waiting for another.
            if refused is not None:
                return await self._refused(refused, target)
            if claimed is not None:
                return WriteResult(contact=await self._contact(claimed))
            if earlier is None:
                continue
            if earlier["request_hash"] != claim.request_hash:
                problem = WriteProblem(
                    field="idempotency_key",
                    code=ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    message="this key was used before with a different input",
                )
                return WriteResult(contact=None, problems=(problem,))
            return WriteResult(contact=await self._contact(earlier["contact_id"]), replayed=True)
        raise BackendUnavailable("delius", "idempotency claim could not be settled")

    async def _attempt(
        self, claim: WriteClaim, key: tuple[str, str, str], target: int | None, work: Work
    ) -> tuple[int | None, Any, Refused | None]:
        """One transaction: claim the key and do the work, or find who claimed it."""
        async with self._db.connection() as conn:
            with translate_errors():
                try:
                    async with conn.transaction():
                        claimed = await conn.fetchval(
                            _CLAIM, *key, claim.operation, claim.request_hash, claim.crn, target
                        )
                        if claimed is not None:
                            await work(conn, claimed)
                            return claimed, None, None
                except Refused as refused:
                    return None, None, refused
                return None, await conn.fetchrow(_EARLIER, *key), None

    async def _refused(self, refused: Refused, target: int | None) -> WriteResult:
        contact = None
        if refused.current_version is not None and target is not None:
            contact = await self._contact(target)
        return WriteResult(
            contact=contact, problems=refused.problems, current_version=refused.current_version
        )

    async def _contact(self, contact_id: int) -> ContactRecord | None:
        with primary_reads():  # read-your-writes: a replica may not have it yet
            return (await self.contacts_by_id([contact_id])).get(contact_id)


async def _update_outcome(conn: Connection, draft: OutcomeDraft, author: Author) -> None:
    problems = Problems()
    current = await conn.fetchrow(_LOCK_CONTACT, draft.contact_id)
    if current is None:
        problems.add("contact_id", ProblemCode.NOT_FOUND, "no such contact")
        raise Refused(problems.items)
    if current["attendance_contact"] != "Y":
        problems.add(
            "contact_id", ProblemCode.NOT_AN_APPOINTMENT, "the contact is not an appointment"
        )
    user = await checks.user_id(conn, author.login, problems)
    found = await checks.outcome(conn, draft.outcome_code, problems)
    if problems or user is None or found is None:
        raise Refused(problems.items)
    if current["row_version"] != draft.expected_version:
        problems.add(
            "expected_version",
            ProblemCode.CONFLICT,
            "the contact changed since it was read: read it again",
        )
        raise Refused(problems.items, current_version=current["row_version"])
    status = await conn.execute(
        _RECORD_OUTCOME,
        draft.contact_id,
        found["contact_outcome_type_id"],
        found["outcome_attendance"],
        found["outcome_compliant_acceptable"],
        draft.notes,
        user,
        draft.expected_version,
    )
    if status != "UPDATE 1":  # the row lock makes this unreachable; never a lost update
        raise Refused(
            [WriteProblem("expected_version", ProblemCode.CONFLICT, "the contact changed")],
            current_version=current["row_version"],
        )

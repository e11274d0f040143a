"""The audit trail, stored beside nDelius in the ``casegraph`` schema."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.delius.database import Database
from adapters.delius.group_commit import GroupCommit
from adapters.metrics import audit_write
from adapters.records import AuditEntry

AUDIT_INSERT_SQL = """
INSERT INTO casegraph.audit_event (occurred_at, username, client_id, provider, operation_name,
                                   document_hash, crn, outcome, correlation_id)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::text[])
"""

AUDIT_INSERT_SHARED_SQL = """
INSERT INTO casegraph.audit_event (occurred_at, username, client_id, provider, operation_name,
                                   document_hash, crn, outcome, correlation_id)
SELECT $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::text, crn, outcome, $9::text
FROM unnest($7::text[], $8::text[]) AS looked(crn, outcome)
"""
"""The same insert for entries that differ only in CRN and outcome (those of one request):
two arrays to send rather than nine."""

AUDIT_BY_CRN_SQL = """
SELECT occurred_at, username, client_id, provider, operation_name, document_hash, crn, outcome,
       correlation_id
FROM casegraph.audit_event WHERE crn = $1 ORDER BY occurred_at DESC, audit_event_id DESC LIMIT $2
"""


class AuditQueries:
    """Writes and reads of the audit trail."""

    _db: Database
    _audit_commits: GroupCommit[AuditEntry] | None = None

    async def record_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Store every entry; committed when this returns. The entries of requests
        answering at the same time go in one statement and one commit."""
        if not entries:
            return
        if self._audit_commits is None:
            self._audit_commits = GroupCommit(self._store)
        with audit_write():
            await self._audit_commits.submit(entries)

    async def _store(self, entries: Sequence[AuditEntry]) -> None:
        first = entries[0]
        shared = _shared(first)
        if all(_shared(entry) == shared for entry in entries):
            await self._db.fetch_primary(
                AUDIT_INSERT_SHARED_SQL,
                *shared[:6],
                [entry.crn for entry in entries],
                [entry.outcome for entry in entries],
                first.correlation_id,
            )
            return
        columns = list(
            zip(
                *(
                    (
                        e.occurred_at,
                        e.username,
                        e.client_id,
                        e.provider,
                        e.operation_name,
                        e.document_hash,
                        e.crn,
                        e.outcome,
                        e.correlation_id,
                    )
                    for e in entries
                ),
                strict=True,
            )
        )
        await self._db.fetch_primary(AUDIT_INSERT_SQL, *(list(column) for column in columns))

    async def audit_for_crn(self, crn: str, limit: int = 100) -> list[AuditEntry]:
        """The latest entries for one CRN, newest first."""
        rows = await self._db.fetch(AUDIT_BY_CRN_SQL, crn, limit)
        return [AuditEntry(**dict(row)) for row in rows]


def _shared(entry: AuditEntry) -> tuple[object, ...]:
    """What the entries of one request have in common: all but the CRN and the outcome,
    in column order (correlation id last)."""
    return (
        entry.occurred_at,
        entry.username,
        entry.client_id,
        entry.provider,
        entry.operation_name,
        entry.document_hash,
        entry.correlation_id,
    )

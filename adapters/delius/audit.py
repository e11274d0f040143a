"""The audit trail, stored beside nDelius in the ``casegraph`` schema."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.delius.database import Database
from adapters.records import AuditEntry

AUDIT_INSERT_SQL = """
INSERT INTO casegraph.audit_event (occurred_at, username, client_id, provider, operation_name,
                                   document_hash, crn, outcome, correlation_id)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::text[])
"""

_BY_CRN = """
SELECT occurred_at, username, client_id, provider, operation_name, document_hash, crn, outcome,
       correlation_id
FROM casegraph.audit_event WHERE crn = $1 ORDER BY occurred_at DESC, audit_event_id DESC LIMIT $2
"""


class AuditQueries:
    """Writes and reads of the audit trail."""

    _db: Database

    async def record_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Store every entry in one statement; committed when this returns."""
        if not entries:
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
        await self._db.fetch(AUDIT_INSERT_SQL, *(list(column) for column in columns))

    async def audit_for_crn(self, crn: str, limit: int = 100) -> list[AuditEntry]:
        """The latest entries for one CRN, newest first."""
        rows = await self._db.fetch(_BY_CRN, crn, limit)
        return [AuditEntry(**dict(row)) for row in rows]

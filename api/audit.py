"""Writing the request's audit trail before its response leaves.

After execution, one row per CRN the request touched goes to the audit store in a single
statement. Only when that write has returned (committed) does the response go out; if it
fails, the response is replaced by a SERVICE_UNAVAILABLE error with no data at all, so no
case data ever leaves without its audit row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from strawberry.extensions import SchemaExtension

from adapters.errors import BackendError
from adapters.records import AuditEntry
from resolvers.context import Context
from resolvers.documents import sha256
from resolvers.errors import ErrorCode, PublicError

log = logging.getLogger("casegraph.audit")

AUDIT_DOWN = "the audit trail cannot be written now; no case data was sent"


class WriteAuditTrail(SchemaExtension):
    """Persists the audit trail of each operation, or withholds its data."""

    async def on_operation(self) -> AsyncIterator[None]:
        """Runs around the whole operation; writes after execution."""
        yield
        context = self.execution_context.context
        if not isinstance(context, Context):
            return
        touched = context.audit.touched()
        if not touched:
            return
        store = context.audit_log
        caller = context.caller
        now = datetime.now(UTC)
        document = self.execution_context.query or ""
        digest = "sha256:" + sha256(document)
        entries = [
            AuditEntry(
                occurred_at=now,
                username=caller.username,
                client_id=caller.client_id,
                provider=caller.provider_code,
                operation_name=self.execution_context.operation_name,
                document_hash=digest,
                crn=crn,
                outcome=outcome.value,
                correlation_id=context.correlation_id,
            )
            for crn, outcome in sorted(touched.items())
        ]
        try:
            if store is None:
                raise BackendError("audit", "no audit store")
            await store.record_audit(entries)
        except BackendError:
            log.error("audit write failed; withholding the response's data")
            _withhold(self.execution_context.result)


def _withhold(result: object) -> None:
    """Empty the result in place (strawberry returns this very object)."""
    if result is None:
        return
    result.data = None  # type: ignore[attr-defined]
    result.errors = [PublicError(AUDIT_DOWN, code=ErrorCode.SERVICE_UNAVAILABLE)]  # type: ignore[attr-defined]

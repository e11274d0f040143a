"""Writing the request's audit trail before its response leaves.

One row per CRN the request touched goes to the audit store, one statement per write
(``resolvers.audit.AuditTrail``: the planned executor may start a write while the request
goes on; the rest is written after execution). Only when every write has returned
(committed) does the response go out; if one fails, the response is replaced by a
SERVICE_UNAVAILABLE error with no data at all, so no case data ever leaves without its
audit row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime

from strawberry.extensions import SchemaExtension

from adapters.errors import BackendError
from adapters.ports import AuditPort
from adapters.records import AuditEntry
from adapters.spans import span
from resolvers.audit import Outcome
from resolvers.context import Context
from resolvers.documents import sha256
from resolvers.errors import ErrorCode, PublicError

log = logging.getLogger("casegraph.audit")

AUDIT_DOWN = "the audit trail cannot be written now; no case data was sent"


class WriteAuditTrail(SchemaExtension):
    """Persists the audit trail of each operation, or withholds its data."""

    async def on_operation(self) -> AsyncIterator[None]:
        """Runs around the whole operation: lets the trail write its rows, then waits
        for every write after execution."""
        context = self.execution_context.context
        if not isinstance(context, Context):
            yield
            return
        store = context.audit_log
        if store is not None:
            context.audit.writer = lambda rows: self._write(store, context, rows)
        try:
            yield
            if not context.audit.touched():
                return
            try:
                if store is None:
                    raise BackendError("audit", "no audit store")
                await context.audit.settle()
            except BackendError:
                log.error("audit write failed; withholding the response's data")
                _withhold(self.execution_context.result)
        finally:
            # The writer refers to the context that holds it: a cycle, which would keep
            # the request's records alive until the collector found it.
            context.audit.writer = None

    async def _write(self, store: AuditPort, context: Context, rows: Mapping[str, Outcome]) -> None:
        """One statement: a row per CRN, stamped with who asked, what and when."""
        caller = context.caller
        now = datetime.now(UTC)
        digest = "sha256:" + sha256(self.execution_context.query or "")
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
            for crn, outcome in sorted(rows.items())
        ]
        with span("audit write", {"casegraph.rows": len(entries)}):
            await store.record_audit(entries)


def _withhold(result: object) -> None:
    """Empty the result in place (strawberry returns this very object)."""
    if result is None:
        return
    result.data = None  # type: ignore[attr-defined]
    result.errors = [PublicError(AUDIT_DOWN, code=ErrorCode.SERVICE_UNAVAILABLE)]  # type: ignore[attr-defined]

"""Case Graph's own writes announce their event in their own transaction.

The outbox row commits or rolls back with the CONTACT row it stands for, so the event is
exactly as durable as the write; the capture sees both in the same decoded transaction,
stores the outbox's event and drops the one the CONTACT change would have given.
"""

from __future__ import annotations

from adapters.delius.write_checks import Connection
from adapters.records import CaseEventType

_INSERT = """
INSERT INTO casegraph.case_event_outbox (crn, event_type, contact_id) VALUES ($1, $2, $3)
"""


async def announce(conn: Connection, crn: str, event_type: CaseEventType, contact_id: int) -> None:
    """Note the event of a write, inside the write's transaction."""
    await conn.execute(_INSERT, crn, event_type.value, contact_id)

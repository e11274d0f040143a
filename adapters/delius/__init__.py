"""nDelius over asyncpg: batch-shaped reads of the legacy tables, returning frozen records.

All legacy decoding ends here: SOFT_DELETED = 0 on every table read, ACTIVE_FLAG and 0/1
or Y/N flags as booleans, code-list ids as ``CodedValue``, CONTACT_DATE plus dummy-date
times as Europe/London instants.
"""

from __future__ import annotations

from adapters.delius.audit import AuditQueries
from adapters.delius.caseload import CaseListQueries
from adapters.delius.contacts import ContactQueries
from adapters.delius.database import Database, PoolOptions, StatementListener
from adapters.delius.events import EventQueries
from adapters.delius.organisation import OrganisationQueries
from adapters.delius.people import PeopleQueries
from adapters.delius.projection.queries import ProjectionQueries
from adapters.delius.registrations import RegistrationQueries
from adapters.delius.writes import WriteQueries
from adapters.errors import BackendError

__all__ = ["DeliusAdapter", "PoolOptions", "StatementListener"]


class DeliusAdapter(
    PeopleQueries,
    OrganisationQueries,
    EventQueries,
    RegistrationQueries,
    WriteQueries,
    ContactQueries,
    CaseListQueries,
    AuditQueries,
    ProjectionQueries,
):
    """Every read and write Case Graph makes of nDelius, over one connection pool."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    async def connect(
        cls,
        dsn: str,
        options: PoolOptions | None = None,
        *,
        on_statement: StatementListener | None = None,
    ) -> DeliusAdapter:
        """Open the pool; fails with ``BackendUnavailable`` when nDelius cannot be reached."""
        return cls(await Database.connect(dsn, options, on_statement=on_statement))

    async def aclose(self) -> None:
        """Close the pool."""
        await self._db.close()

    async def is_ready(self) -> bool:
        """True when a statement round-trips to the primary now (writes and the audit
        trail need it; reads fall back to it when the replica cannot serve them)."""
        try:
            rows = await self._db.fetch_primary("SELECT 1")
            return bool(rows[0][0] == 1)
        except BackendError:
            return False

"""The narrow ports the resolvers see: what Case Graph needs of each backend, no more.

The real adapters implement these; tests may pass anything that honours them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from adapters.projection import CaseProjection, ProjectedCase
from adapters.queries import (
    Author,
    CaseloadPosition,
    CaseSearchSpec,
    ContactDraft,
    ContactFilterSpec,
    ContactPageRequest,
    OutcomeDraft,
    WriteClaim,
)
from adapters.records import (
    AccessRecord,
    AddressRecord,
    AuditEntry,
    CaseEventRecord,
    CasePage,
    CaseRecord,
    ContactPage,
    ContactRecord,
    CustodyRecord,
    EventRecord,
    ManagerRecord,
    OffenceRecord,
    ProviderRecord,
    RegistrationRecord,
    RequirementRecord,
    SentenceRecord,
    StaffRecord,
    TeamRecord,
    WriteResult,
)


class DeliusPort(Protocol):
    """Batch-shaped reads of nDelius. Missing keys mean "not found"."""

    async def addresses_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[AddressRecord, ...]]: ...
    async def access_for_user(
        self, offender_ids: Sequence[int], username: str | None
    ) -> Mapping[int, AccessRecord]: ...
    async def cases_with_access(
        self, crns: Sequence[str], username: str | None
    ) -> Mapping[str, tuple[CaseRecord, AccessRecord]]: ...
    async def providers_by_id(self, ids: Sequence[int]) -> Mapping[int, ProviderRecord]: ...
    async def providers_by_code(self, codes: Sequence[str]) -> Mapping[str, ProviderRecord]: ...
    async def teams_by_id(self, ids: Sequence[int]) -> Mapping[int, TeamRecord]: ...
    async def teams_by_code(self, codes: Sequence[str]) -> Mapping[str, TeamRecord]: ...
    async def teams_by_staff(
        self, staff_ids: Sequence[int]
    ) -> Mapping[int, tuple[TeamRecord, ...]]: ...
    async def staff_by_id(self, ids: Sequence[int]) -> Mapping[int, StaffRecord]: ...
    async def staff_by_code(self, codes: Sequence[str]) -> Mapping[str, StaffRecord]: ...
    async def managers_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[ManagerRecord, ...]]: ...
    async def managers_by_crn(
        self, crns: Sequence[str]
    ) -> Mapping[str, tuple[int, tuple[ManagerRecord, ...]]]: ...
    async def events_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[EventRecord, ...]]: ...
    async def offences_by_event(
        self, event_ids: Sequence[int]
    ) -> Mapping[int, tuple[OffenceRecord, ...]]: ...
    async def sentences_by_event(
        self, event_ids: Sequence[int]
    ) -> Mapping[int, SentenceRecord]: ...
    async def requirements_by_sentence(
        self, sentence_ids: Sequence[int]
    ) -> Mapping[int, tuple[RequirementRecord, ...]]: ...
    async def custody_by_sentence(
        self, sentence_ids: Sequence[int]
    ) -> Mapping[int, CustodyRecord]: ...
    async def registrations_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[RegistrationRecord, ...]]: ...
    async def contact_pages(self, requests: Sequence[ContactPageRequest]) -> list[ContactPage]: ...
    async def contact_counts(
        self, offender_ids: Sequence[int], spec: ContactFilterSpec
    ) -> Mapping[int, int]: ...
    async def next_appointments(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, ContactRecord]: ...
    async def contacts_by_id(self, contact_ids: Sequence[int]) -> Mapping[int, ContactRecord]: ...
    async def case_projections(
        self, offender_ids: Sequence[int], projection: CaseProjection
    ) -> Mapping[int, ProjectedCase]: ...
    async def caseload(
        self,
        staff_code: str,
        first: int,
        after: CaseloadPosition | None,
        held_by: str | None = None,
    ) -> CasePage: ...
    async def search_cases(
        self, spec: CaseSearchSpec, first: int, offset: int, held_by: str | None = None
    ) -> CasePage: ...
    async def is_ready(self) -> bool: ...
    async def aclose(self) -> None: ...


@runtime_checkable
class AuditPort(Protocol):
    """Where the audit trail is kept; ``record_audit`` returns once the rows are durable."""

    async def record_audit(self, entries: Sequence[AuditEntry]) -> None: ...


@runtime_checkable
class WritePort(Protocol):
    """Writes into nDelius, each exactly once per idempotency claim, all-or-nothing.

    Refusals the caller can act on come back as ``WriteResult.problems``; only outages
    raise (the adapter errors).
    """

    async def case_of_contact(self, contact_id: int) -> str | None: ...
    async def create_contact(
        self, offender_id: int, draft: ContactDraft, author: Author, claim: WriteClaim
    ) -> WriteResult: ...
    async def record_outcome(
        self, draft: OutcomeDraft, author: Author, claim: WriteClaim
    ) -> WriteResult: ...


class CaseEventPort(Protocol):
    """The stored case-event feed: pages after a position, and a wake-up on new events."""

    def ticket(self) -> asyncio.Event: ...
    async def wait(self, ticket: asyncio.Event, seconds: float) -> None: ...
    async def events_after(
        self,
        position: int,
        limit: int,
        *,
        types: Sequence[str] | None = None,
        crns: Sequence[str] | None = None,
        provider_code: str | None = None,
    ) -> list[CaseEventRecord]: ...
    async def last_position(self) -> int: ...
    async def position_of(self, event_id: UUID) -> int | None: ...
    async def aclose(self) -> None: ...

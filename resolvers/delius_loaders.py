"""The per-request loaders over the nDelius port: one per (relation, key)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

from adapters.errors import BackendError
from adapters.ports import DeliusPort
from adapters.projection import CaseProjection, ProjectedCase
from adapters.queries import CaseloadPosition, CaseSearchSpec, ContactFilterSpec, ContactPageRequest
from adapters.records import (
    AccessRecord,
    AddressRecord,
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
)
from resolvers.errors import from_backend
from resolvers.loader import BatchFetch, K, KeyLoader, V, clear_loaders

ContactCountKey = tuple[int, ContactFilterSpec]


class DeliusLoaders:
    """Loaders created lazily on first use; they live exactly as long as one request.

    Lists whose pages cannot be batched (a caseload, a search) are plain calls here too,
    so resolvers reach nDelius one way only and see public errors only. Fetches close over
    the port and other loaders, never over ``self``: a request's loaders form no reference
    cycle, so what they cached is freed as soon as the request ends.
    """

    def __init__(self, port: DeliusPort, username: str | None, *, batching: bool = True) -> None:
        self._port = port
        self._username = username
        self._batching = batching
        self._projected: dict[CaseProjection, KeyLoader[int, ProjectedCase]] = {}

    def release(self) -> None:
        """Clear every loader made so far (the request is over)."""
        clear_loaders(self)
        for loader in self._projected.values():
            loader.clear()

    def _loader(self, fetch: BatchFetch[K, V]) -> KeyLoader[K, V]:
        return KeyLoader(fetch, batching=self._batching)

    async def caseload(
        self,
        staff_code: str,
        first: int,
        after: CaseloadPosition | None,
        held_by: str | None = None,
    ) -> CasePage:
        """One page of a practitioner's caseload (only cases ``held_by`` a provider, if given)."""
        try:
            return await self._port.caseload(staff_code, first, after, held_by)
        except BackendError as error:
            raise from_backend(error) from error

    async def search(
        self, spec: CaseSearchSpec, first: int, offset: int, held_by: str | None = None
    ) -> CasePage:
        """One page of search results (only cases ``held_by`` a provider, if given)."""
        try:
            return await self._port.search_cases(spec, first, offset, held_by)
        except BackendError as error:
            raise from_backend(error) from error

    @cached_property
    def case_with_access(self) -> KeyLoader[str, tuple[CaseRecord, AccessRecord]]:
        """Live cases by CRN with this request's user's limited-access standing, in one go.

        Each answer also primes ``access``, which the policy reads next.
        """
        port, username, access_loader = self._port, self._username, self.access

        async def fetch(crns: Sequence[str]) -> Mapping[str, tuple[CaseRecord, AccessRecord]]:
            found = await port.cases_with_access(crns, username)
            for case, access in found.values():
                access_loader.prime(case.offender_id, access)
            return found

        return self._loader(fetch)

    @cached_property
    def access(self) -> KeyLoader[int, AccessRecord]:
        """Limited-access decisions for this request's user, by offender id."""
        port, username = self._port, self._username

        async def fetch(ids: Sequence[int]) -> Mapping[int, AccessRecord]:
            return await port.access_for_user(ids, username)

        return self._loader(fetch)

    @cached_property
    def managers(self) -> KeyLoader[int, tuple[ManagerRecord, ...]]:
        """Manager allocations by offender id, active first."""
        return self._loader(self._port.managers_by_offender)

    @cached_property
    def managers_by_crn(self) -> KeyLoader[str, int]:
        """Reads cases' manager allocations by CRN, before their offender ids are known
        (the cases are being read beside them), into ``managers``. A CRN loads as its
        offender id; None when the case has no allocation (``managers`` then reads it)."""
        port, managers = self._port, self.managers

        async def fetch(crns: Sequence[str]) -> Mapping[str, int]:
            found = await port.managers_by_crn(crns)
            for offender_id, allocations in found.values():
                managers.prime(offender_id, allocations)
            return {crn: offender_id for crn, (offender_id, _) in found.items()}

        return self._loader(fetch)

    @cached_property
    def events(self) -> KeyLoader[int, tuple[EventRecord, ...]]:
        """Events by offender id."""
        return self._loader(self._port.events_by_offender)

    @cached_property
    def offences(self) -> KeyLoader[int, tuple[OffenceRecord, ...]]:
        """Offences by event id."""
        return self._loader(self._port.offences_by_event)

    @cached_property
    def sentence(self) -> KeyLoader[int, SentenceRecord]:
        """Sentences by event id."""
        return self._loader(self._port.sentences_by_event)

    @cached_property
    def requirements(self) -> KeyLoader[int, tuple[RequirementRecord, ...]]:
        """Requirements by sentence id."""
        return self._loader(self._port.requirements_by_sentence)

    @cached_property
    def custody(self) -> KeyLoader[int, CustodyRecord]:
        """Custody by sentence id."""
        return self._loader(self._port.custody_by_sentence)

    @cached_property
    def registrations(self) -> KeyLoader[int, tuple[RegistrationRecord, ...]]:
        """Registrations by offender id."""
        return self._loader(self._port.registrations_by_offender)

    @cached_property
    def addresses(self) -> KeyLoader[int, tuple[AddressRecord, ...]]:
        """Addresses by offender id."""
        return self._loader(self._port.addresses_by_offender)

    def projected(self, projection: CaseProjection) -> KeyLoader[int, ProjectedCase]:
        """Cases' projected fields by offender id, all read in one statement per batch."""
        loader = self._projected.get(projection)
        if loader is None:
            port = self._port

            async def fetch(offender_ids: Sequence[int]) -> Mapping[int, ProjectedCase]:
                return await port.case_projections(offender_ids, projection)

            loader = self._projected[projection] = self._loader(fetch)
        return loader

    @cached_property
    def next_appointment(self) -> KeyLoader[int, ContactRecord]:
        """The next appointment by offender id."""
        return self._loader(self._port.next_appointments)

    @cached_property
    def contact_page(self) -> KeyLoader[ContactPageRequest, ContactPage]:
        """Pages of contacts by (case, page size, position, filter)."""
        port = self._port

        async def fetch(
            requests: Sequence[ContactPageRequest],
        ) -> Mapping[ContactPageRequest, ContactPage]:
            return dict(zip(requests, await port.contact_pages(requests), strict=True))

        return self._loader(fetch)

    @cached_property
    def contact_count(self) -> KeyLoader[ContactCountKey, int]:
        """How many contacts match a filter, by (offender id, filter)."""
        port = self._port

        async def fetch(keys: Sequence[ContactCountKey]) -> Mapping[ContactCountKey, int]:
            by_filter: dict[ContactFilterSpec, list[int]] = {}
            for offender_id, spec in keys:
                by_filter.setdefault(spec, []).append(offender_id)
            found: dict[ContactCountKey, int] = {}
            for spec, offender_ids in by_filter.items():
                counts = await port.contact_counts(offender_ids, spec)
                found.update({(oid, spec): counts.get(oid, 0) for oid in offender_ids})
            return found

        return self._loader(fetch)

    @cached_property
    def provider_by_id(self) -> KeyLoader[int, ProviderRecord]:
        """Providers by surrogate id."""
        return self._loader(self._port.providers_by_id)

    @cached_property
    def provider_by_code(self) -> KeyLoader[str, ProviderRecord]:
        """Providers by code."""
        return self._loader(self._port.providers_by_code)

    @cached_property
    def team_by_id(self) -> KeyLoader[int, TeamRecord]:
        """Teams by surrogate id."""
        return self._loader(self._port.teams_by_id)

    @cached_property
    def team_by_code(self) -> KeyLoader[str, TeamRecord]:
        """Teams by code."""
        return self._loader(self._port.teams_by_code)

    @cached_property
    def teams_by_staff(self) -> KeyLoader[int, tuple[TeamRecord, ...]]:
        """Current teams by staff id."""
        return self._loader(self._port.teams_by_staff)

    @cached_property
    def staff_by_id(self) -> KeyLoader[int, StaffRecord]:
        """Staff by surrogate id."""
        return self._loader(self._port.staff_by_id)

    @cached_property
    def staff_by_code(self) -> KeyLoader[str, StaffRecord]:
        """Staff by officer code."""
        return self._loader(self._port.staff_by_code)

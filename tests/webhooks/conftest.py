"""A database of its own, CRC stand-ins receiving webhooks, and a writer of feed rows.

The feed writer stores case events exactly as the capture does (the next position, a
fresh event id, the HMPPS envelope), so delivery can be tested on its own; the end-to-end
tests change nDelius by plain SQL and let the capture store them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import asyncpg
import pytest

from adapters.delius import DeliusAdapter
from api.settings import Secret, Settings, parse_crc_registry
from sandbox.crc import CrcServers, build_datasets, facts_from_delius, start_crc_servers
from tests.conftest import seeded_cluster

WAIT_SECONDS = 60.0


@pytest.fixture(scope="module")
def webhook_dsn() -> Iterator[str]:
    """A small seeded nDelius in a cluster of this module's own: its feed, queues and
    replication slot (slot names are per cluster) start empty."""
    with seeded_cluster(offenders=150, seed=5) as dsn:
        yield dsn


@pytest.fixture(scope="module")
def crcs(webhook_dsn: str) -> Iterator[CrcServers]:
    """One CRC stand-in per provider holding cases, on free ports."""
    facts = asyncio.run(facts_from_delius(webhook_dsn))
    with start_crc_servers(build_datasets(facts, 5), base_port=0) as servers:
        yield servers


@pytest.fixture(autouse=True)
def _fresh_partners(crcs: CrcServers) -> Iterator[None]:
    yield
    for instance in crcs.instances.values():
        instance.faults.apply({"reset": True})
        instance.inbox.forced_status = None


@pytest.fixture(scope="module")
def webhook_settings(settings: Settings, webhook_dsn: str, crcs: CrcServers) -> Settings:
    """Settings pointing at this module's database and stand-ins, with quick retries."""
    return replace(
        settings,
        delius_dsn=Secret(webhook_dsn),
        crc_registry=parse_crc_registry(crcs.registry_json()),
        webhook_timeout=1.0,
        webhook_max_attempts=50,
        webhook_backoff_seconds=0.05,
        webhook_backoff_max_seconds=0.2,
        webhook_poll_seconds=0.05,
        events_capture=False,  # the tests store feed rows themselves (or run the capture)
    )


@pytest.fixture(scope="module")
async def db(webhook_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to this module's database."""
    connection = await asyncpg.connect(webhook_dsn)
    yield connection
    await connection.close()


@pytest.fixture(scope="module")
async def webhook_delius(webhook_dsn: str) -> AsyncIterator[DeliusAdapter]:
    """The nDelius adapter over this module's database (the audience's access checks)."""
    adapter = await DeliusAdapter.connect(webhook_dsn)
    yield adapter
    await adapter.aclose()


@dataclass(frozen=True)
class Stored:
    """A case event as the feed stored it."""

    position: int
    event_id: str
    crn: str
    event_type: str


class Feed:
    """Stores case events the way the capture does, one transaction each."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def store(
        self,
        crn: str,
        event_type: str,
        provider: str | None,
        previous_provider: str | None = None,
    ) -> Stored:
        event_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        envelope = {
            "eventId": event_id,
            "eventType": event_type,
            "version": 1,
            "occurredAt": now.isoformat(),
            "description": f"A test {event_type}",
            "detailUrl": f"https://casegraph.test/cases/{crn}",
            "additionalInformation": {},
            "personReference": {"identifiers": [{"type": "CRN", "value": crn}]},
        }
        position = await self.connection.fetchval(
            """
            INSERT INTO casegraph.case_event (position, event_id, crn, event_type, occurred_at,
                provider_code, previous_provider_code, envelope)
            SELECT coalesce(max(position), 0) + 1, $1, $2, $3, $4, $5, $6, $7::jsonb
            FROM casegraph.case_event
            RETURNING position
            """,
            uuid.UUID(event_id),
            crn,
            event_type,
            now,
            provider,
            previous_provider,
            json.dumps(envelope),
        )
        return Stored(int(position), event_id, crn, event_type)


@pytest.fixture
def feed(db: asyncpg.Connection) -> Feed:
    return Feed(db)


async def crcs_cases(db: asyncpg.Connection, provider: str, count: int) -> list[str]:
    """CRNs of open, unrestricted cases the provider holds now."""
    rows = await db.fetch(
        """
        SELECT o.CRN FROM OFFENDER o
        JOIN OFFENDER_MANAGER m ON m.OFFENDER_ID = o.OFFENDER_ID AND m.ACTIVE_FLAG = 1
                                AND m.SOFT_DELETED = 0
        JOIN PROBATION_AREA a ON a.PROBATION_AREA_ID = m.PROBATION_AREA_ID
        WHERE o.SOFT_DELETED = 0 AND o.CURRENT_EXCLUSION = 0 AND o.CURRENT_RESTRICTION = 0
          AND a.CODE = $1
        ORDER BY o.CRN LIMIT $2
        """,
        provider,
        count,
    )
    assert len(rows) == count, f"{provider} holds fewer than {count} open cases"
    return [row["crn"] for row in rows]


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded) until ``condition()`` holds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        await asyncio.sleep(0.05)


def received_ids(crcs: CrcServers, provider: str) -> list[str]:
    """The webhook ids the provider's stand-in accepted, in arrival order."""
    return [item["webhookId"] for item in crcs[provider].inbox.received]

"""Wires webhook delivery from settings: one task per CRC that has a webhook URL.

Runs beside the API in every process (their queue row locks share the work). Delivery has
its own small connection pool, one connection per partner plus one, so partners holding a
claim during a slow attempt never take connections from reads. If the queue cannot be
opened (migrations not applied, database away) the API still serves reads and says so.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from adapters.delius import PoolOptions
from adapters.delius.database import Database
from adapters.delius.webhook_queue import WebhookQueue
from adapters.errors import BackendError
from adapters.webhooks import WebhookSender, WebhookTarget
from api.settings import Settings
from resolvers.context import Backends
from resolvers.retry_schedule import RetrySchedule
from resolvers.webhook_delivery import PartnerDelivery, running

log = logging.getLogger("casegraph")


def webhook_targets(settings: Settings) -> list[WebhookTarget]:
    """The partners in the CRC registry that receive webhooks."""
    return [
        WebhookTarget(e.provider_code, e.webhook_url, e.webhook_secret.value)
        for e in settings.crc_registry
        if e.webhook_url
    ]


def retry_schedule(settings: Settings) -> RetrySchedule:
    """The retry schedule from settings."""
    return RetrySchedule(
        max_attempts=settings.webhook_max_attempts,
        base=settings.webhook_backoff_seconds,
        cap=settings.webhook_backoff_max_seconds,
    )


@contextlib.asynccontextmanager
async def webhook_delivery(settings: Settings, backends: Backends) -> AsyncIterator[None]:
    """Deliver case events to every partner with a webhook URL while the block runs."""
    targets = webhook_targets(settings)
    feed = backends.case_events
    if targets and feed is None:
        log.warning("webhook delivery is off: there is no case-event feed")
    database = await _delivery_pool(settings, len(targets)) if targets and feed else None
    if feed is None or database is None:
        yield
        return
    try:
        queue = WebhookQueue(database)
        if not await _registered(queue, targets):
            yield
            return
        partners = [
            PartnerDelivery(
                queue=queue,
                sender=WebhookSender(
                    target,
                    timeout=settings.webhook_timeout,
                    connections=settings.webhook_concurrency,
                ),
                feed=feed,
                access=backends.delius,
                schedule=retry_schedule(settings),
                poll_seconds=settings.webhook_poll_seconds,
                concurrency=settings.webhook_concurrency,
            )
            for target in targets
        ]
        async with running(partners):
            yield
    finally:
        await database.close()


async def _delivery_pool(settings: Settings, partners: int) -> Database | None:
    """One connection per partner plus one; None (and a warning) if nDelius is away."""
    try:
        return await Database.connect(
            settings.delius_dsn.value,
            PoolOptions(
                min_size=1,
                max_size=partners + 1,
                connect_timeout=settings.delius_connect_timeout,
                statement_timeout=settings.delius_statement_timeout,
            ),
        )
    except BackendError:
        log.warning("webhook delivery is off: nDelius cannot be reached")
        return None


async def _registered(queue: WebhookQueue, targets: Sequence[WebhookTarget]) -> bool:
    """Give each partner its queue position; False (and a warning) without the tables."""
    try:
        await queue.register([t.provider_code for t in targets])
    except BackendError:
        log.warning("webhook delivery is off: run `casegraph migrate` to create its tables")
        return False
    return True

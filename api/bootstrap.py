"""The composition root: turns settings into open adapters, and closes them again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from adapters.crc.client import CrcClient
from adapters.crc.connection import CrcConnection
from adapters.delius import DeliusAdapter, PoolOptions
from adapters.errors import BackendError
from adapters.oasys.client import OasysClient
from api.case_events import case_event_feed
from api.settings import Settings
from api.webhooks import webhook_delivery
from resolvers.context import Backends, Limits

log = logging.getLogger("casegraph")


def limits_of(settings: Settings) -> Limits:
    """The per-request caps from settings."""
    return Limits(
        max_cases=settings.max_cases,
        max_page_size=settings.max_page_size,
        max_representations=settings.max_representations,
    )


@contextlib.asynccontextmanager
async def open_backends(settings: Settings) -> AsyncIterator[Backends]:
    """Open every adapter with its timeouts; close them on the way out."""
    delius = await DeliusAdapter.connect(
        settings.delius_dsn.value,
        PoolOptions(
            min_size=settings.delius_pool_min,
            max_size=settings.delius_pool_max,
            connect_timeout=settings.delius_connect_timeout,
            statement_timeout=settings.delius_statement_timeout,
        ),
    )
    oasys = await _oasys_client(settings)
    crc = _crc_client(settings)
    refresher = None
    if settings.search_refresh_seconds > 0:
        refresher = asyncio.create_task(_refresh_search(delius, settings.search_refresh_seconds))
    feeds = contextlib.AsyncExitStack()
    try:
        feed = await feeds.enter_async_context(case_event_feed(settings))
        backends = Backends(delius=delius, oasys=oasys, crc=crc, case_events=feed)
        async with webhook_delivery(settings, backends):
            yield backends
    finally:
        await feeds.aclose()
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
        if crc is not None:
            await crc.aclose()
        if oasys is not None:
            await oasys.aclose()
        await delius.aclose()


async def _oasys_client(settings: Settings) -> OasysClient | None:
    """The OASys client, its WSDL loaded from the vendored contract; None without a URL."""
    if not settings.oasys_url:
        return None
    return await OasysClient.create(
        settings.oasys_url,
        timeout=settings.oasys_timeout,
        concurrency=settings.oasys_concurrency,
        breaker_failures=settings.breaker_failures,
        breaker_reset=settings.breaker_reset_seconds,
        cache_seconds=settings.oasys_cache_seconds,
        deadline=settings.request_deadline_seconds,
    )


def _crc_client(settings: Settings) -> CrcClient | None:
    """One client per CRC in the registry; None when the registry is empty."""
    if not settings.crc_registry:
        return None
    return CrcClient.create(
        [
            CrcConnection(e.provider_code, e.base_url, e.client_id, e.client_secret.value)
            for e in settings.crc_registry
        ],
        timeout=settings.crc_timeout,
        concurrency=settings.crc_concurrency,
        breaker_failures=settings.breaker_failures,
        breaker_reset=settings.breaker_reset_seconds,
        deadline=settings.request_deadline_seconds,
    )


async def _refresh_search(delius: DeliusAdapter, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await delius.refresh_search()
        except BackendError:
            log.warning("person search refresh failed; will try again")

"""The composition root: turns settings into open adapters, and closes them again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator

from adapters.crc.client import CrcClient
from adapters.crc.connection import CrcConnection
from adapters.delius import DeliusAdapter, PoolOptions
from adapters.delius.cluster_jobs import (
    ClusterJob,
    audit_partition_upkeep,
    person_search_refresh,
    run_once_per_cluster,
)
from adapters.errors import BackendError
from adapters.oasys.client import OasysClient
from api.case_events import case_event_feed
from api.settings import Settings
from api.webhooks import webhook_delivery
from resolvers.context import Backends, Limits

log = logging.getLogger("casegraph")

AUDIT_UPKEEP_SECONDS = 3600.0
"""How often a process offers to create audit partitions ahead and detach old ones."""


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
    delius = await DeliusAdapter.connect(settings.delius_dsn.value, pool_options(settings))
    oasys = await _oasys_client(settings)
    crc = _crc_client(settings)
    timers = [asyncio.create_task(_every_interval(settings, job)) for job in cluster_jobs(settings)]
    feeds = contextlib.AsyncExitStack()
    try:
        feed = await feeds.enter_async_context(case_event_feed(settings))
        backends = Backends(delius=delius, oasys=oasys, crc=crc, case_events=feed)
        async with webhook_delivery(settings, backends):
            yield backends
    finally:
        await feeds.aclose()
        for timer in timers:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
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


def pool_options(settings: Settings) -> PoolOptions:
    """How the nDelius pools connect, from settings."""
    return PoolOptions(
        min_size=settings.delius_pool_min,
        max_size=settings.delius_pool_max,
        connect_timeout=settings.delius_connect_timeout,
        statement_timeout=settings.delius_statement_timeout,
        acquire_timeout=settings.delius_acquire_timeout,
        pgbouncer=settings.delius_pgbouncer,
        read_dsn=settings.delius_read_dsn.value,
        max_replica_lag=settings.delius_max_replica_lag_seconds,
    )


def cluster_jobs(settings: Settings) -> list[ClusterJob]:
    """The jobs every process times and one process per interval runs."""
    jobs = [audit_partition_upkeep(AUDIT_UPKEEP_SECONDS, 300.0, settings.audit_retention_months)]
    if settings.search_refresh_seconds > 0:
        jobs.append(
            person_search_refresh(settings.search_refresh_seconds, settings.search_refresh_timeout)
        )
    return jobs


async def _every_interval(settings: Settings, job: ClusterJob) -> None:
    """Offer ``job`` a run every interval; at most one process in the cluster takes it."""
    ran_by = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    while True:
        await asyncio.sleep(job.every)
        try:
            dsn = settings.delius_dsn.value
            await run_once_per_cluster(dsn, pool_options(settings), job, ran_by)
        except BackendError:
            log.warning("%s failed; will try again", job.name)

"""Webhook delivery: one task per partner drains that partner's queue, in order per case.

Each partner's task alternates two steps until stopped:

1. fan-out: the feed's new events are filtered by ``resolvers.event_audience`` (the same
   policy as reads, decided now, for a partner client of that provider with no username) and
   what the partner may receive is queued;
2. delivery: the oldest pending event of up to ``concurrency`` cases (a case's next event
   waits for the one before) is signed and posted at once; a 2xx marks one delivered, any
   other answer, a timeout or a refused connection schedules a retry (``RetrySchedule``), and
   the last allowed failure moves it aside (``dead``) for ``casegraph deliveries``.

Partners never share a task, an HTTP client or a connection, so one that is slow, failing or
hanging delays only itself. Several processes may run the same partners: the queue's row
locks share the work (``adapters/delius/webhook_queue.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.errors import BackendError
from adapters.ports import CaseEventPort
from adapters.webhooks.port import Claim, QueueableEvent, WebhookQueuePort, WebhookSenderPort
from resolvers.delivery_metrics import DELIVERIES, DELIVERY_LATENCY
from resolvers.event_audience import CaseAccessPort, events_for, partner_caller
from resolvers.retry_schedule import RetrySchedule

log = logging.getLogger("casegraph.webhooks")

_FEED_BATCH = 500
_PRUNE_EVERY_SECONDS = 3600.0
_ROUNDS_PER_STEP = 10


@dataclass
class PartnerDelivery:
    """The task state of one partner: it reads ``feed`` (and wakes when the capture stores
    more), and checks limited access through ``access`` as reads do."""

    queue: WebhookQueuePort
    sender: WebhookSenderPort
    feed: CaseEventPort
    access: CaseAccessPort
    schedule: RetrySchedule
    poll_seconds: float = 0.2
    concurrency: int = 8

    @property
    def provider_code(self) -> str:
        """The partner this task serves."""
        return self.sender.target.provider_code

    async def run(self) -> None:
        """Fan out and deliver until cancelled. When idle, rest until the capture stores more
        or ``poll_seconds`` pass (retries fall due by time); now and then forget finished
        deliveries whose events retention has removed."""
        pruned_at = 0.0
        while True:
            ticket = self.feed.ticket()
            try:
                if time.monotonic() - pruned_at > _PRUNE_EVERY_SECONDS:
                    await self.queue.prune(self.provider_code)
                    pruned_at = time.monotonic()
                busy = await self.step()
            except BackendError as error:
                log.warning(
                    "webhooks to %s paused: %s unavailable", self.provider_code, error.source
                )
                busy = False
            except Exception as error:  # the task must outlive any one bad step
                log.warning(
                    "webhooks to %s: step failed (%s)", self.provider_code, type(error).__name__
                )
                busy = False
            if not busy:
                await self.feed.wait(ticket, self.poll_seconds)

    async def step(self) -> bool:
        """One fan-out and a few rounds of deliveries; True if anything was done."""
        moved = await self.queue.fan_out(self.provider_code, self._pick)
        attempted = 0
        for _ in range(_ROUNDS_PER_STEP):
            sent = await self.deliver_round()
            attempted += sent
            if sent == 0:
                break
        return moved or attempted > 0

    async def _pick(self, after: int) -> tuple[int | None, Sequence[QueueableEvent]]:
        """The partner's next events: those its provider's scope allows, read with the feed's
        own filter for that rule, then kept by the full audience rule (limited access)."""
        code = self.provider_code
        events = await self.feed.events_after(after, _FEED_BATCH, provider_code=code)
        if not events:
            return None, ()
        chosen = await events_for(partner_caller(code), events, self.access)
        return events[-1].position, chosen

    async def deliver_round(self) -> int:
        """Attempt up to ``concurrency`` due events at once, each of a different case (so
        order per case holds); how many were attempted."""
        async with self.queue.claim(self.provider_code, self.concurrency) as claims:
            await asyncio.gather(*(self._attempt(claim) for claim in claims))
            return len(claims)

    async def _attempt(self, claim: Claim) -> None:
        partner = self.provider_code
        if claim.body is None:
            claim.failed("the event is no longer stored (retention)", None)
            DELIVERIES.labels(partner, "dead").inc()
            return
        outcome = await self.sender.send(claim.event_id, claim.body)
        if outcome.delivered:
            claim.delivered()
            DELIVERIES.labels(partner, "delivered").inc()
            if claim.stored_at is not None:
                waited = (datetime.now(UTC) - claim.stored_at).total_seconds()
                DELIVERY_LATENCY.labels(partner).observe(max(0.0, waited))
            return
        retry_in = self.schedule.delay_after(claim.attempts + 1)
        claim.failed(outcome.error or "failed", retry_in)
        DELIVERIES.labels(partner, "retry" if retry_in is not None else "dead").inc()
        if retry_in is None:
            log.warning("webhook to %s moved aside after %d attempts", partner, claim.attempts + 1)


@contextlib.asynccontextmanager
async def running(partners: Sequence[PartnerDelivery]) -> AsyncIterator[None]:
    """Run one task per partner for the length of the block; close their senders after."""
    tasks = [asyncio.create_task(p.run(), name=f"webhooks-{p.provider_code}") for p in partners]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for partner in partners:
            await partner.sender.aclose()

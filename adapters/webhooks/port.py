"""What webhook delivery needs of its backends, and the records they exchange.

Two ports: the delivery queue (``adapters/delius/webhook_queue.py`` over PostgreSQL) and
the sender (``adapters/webhooks/sender.py`` over httpx). ``resolvers/webhook_delivery.py``
sees only these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where one partner receives its events, and the secret they are signed with."""

    provider_code: str
    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one attempt came to: delivered, or why not (no case data in ``error``)."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None


class QueueableEvent(Protocol):
    """What the queue keeps of a case event (a feed record has these and more)."""

    @property
    def position(self) -> int: ...
    @property
    def event_id(self) -> UUID | str: ...
    @property
    def crn(self) -> str: ...
    @property
    def event_type(self) -> str: ...


Pick = Callable[[int], Awaitable[tuple[int | None, Sequence[QueueableEvent]]]]
"""Given a partner's position: the last position read (None: nothing new), and the events
read that the partner is to receive."""


@dataclass
class Claim:
    """One delivery held for one attempt; the holder calls ``delivered`` or ``failed``."""

    position: int
    event_id: str
    crn: str
    event_type: str
    attempts: int
    body: str | None
    stored_at: datetime | None
    retry_in: float | None = field(default=None, init=False)
    error: str | None = field(default=None, init=False)
    done: bool = field(default=False, init=False)

    def delivered(self) -> None:
        """The partner answered 2xx."""
        self.done = True

    def failed(self, error: str, retry_in: float | None) -> None:
        """The attempt failed: try again in ``retry_in`` seconds, or None to move it aside."""
        self.error, self.retry_in = error, retry_in


class WebhookQueuePort(Protocol):
    """Per-partner fan-out from the feed, and claims of due deliveries."""

    async def fan_out(self, provider_code: str, pick: Pick) -> bool: ...
    async def prune(self, provider_code: str) -> None: ...
    def claim(self, provider_code: str, limit: int) -> AbstractAsyncContextManager[list[Claim]]: ...


class WebhookSenderPort(Protocol):
    """Posts one signed event to one partner."""

    target: WebhookTarget

    async def send(self, event_id: str, body: str) -> SendOutcome: ...
    async def aclose(self) -> None: ...

"""Sends one signed case event to one partner's webhook URL, and says how it went.

One ``httpx.AsyncClient`` per partner, with its own connection pool and timeouts, so a partner
that hangs holds only its own connections. Nothing here retries: the delivery queue decides
when to try again, so a retry survives a restart. Only a 2xx answer counts as delivered.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from adapters.webhooks.port import SendOutcome, WebhookTarget
from adapters.webhooks.signing import signed_headers


class WebhookSender:
    """Posts signed events to one partner; ``aclose()`` when done."""

    def __init__(self, target: WebhookTarget, *, timeout: float, connections: int = 8) -> None:
        self.target = target
        self._signer = Webhook(target.secret)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            follow_redirects=False,
        )

    async def send(self, event_id: str, body: str) -> SendOutcome:
        """One attempt; every failure becomes an outcome, never an exception."""
        headers = signed_headers(self._signer, event_id, body, datetime.now(UTC))
        try:
            response = await self._http.post(
                self.target.url, content=body.encode(), headers=headers
            )
        except httpx.TimeoutException:
            return SendOutcome(False, error="timed out")
        except httpx.HTTPError as error:
            return SendOutcome(False, error=f"transport error: {type(error).__name__}")
        if 200 <= response.status_code < 300:
            return SendOutcome(True, response.status_code)
        return SendOutcome(False, response.status_code, f"HTTP {response.status_code}")

    async def aclose(self) -> None:
        """Close the partner's connections."""
        await self._http.aclose()

"""A CRC's webhook receiver: checks Standard Webhooks signatures and records what arrived.

``POST /webhooks/case-events`` takes one signed case event (the HMPPS domain-event envelope);
a bad or missing signature gets 401 and is only counted. ``GET /webhooks/received`` lists
what arrived in order, duplicates included (flagged) and stamped with the arrival time (the
benchmark's clock for commit-to-delivery latency), so tests and the demo can see it.
``POST /webhooks/_control`` makes the receiver answer with a fixed status (a failing partner)
until told ``{"status": null}``; the stand-in's other faults (down, hang, latency) apply too.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

RECEIVE_PATH = "/webhooks/case-events"
RECEIVED_PATH = "/webhooks/received"
CONTROL_PATH = "/webhooks/_control"


def new_webhook_secret() -> str:
    """A fresh ``whsec_`` secret (24 random bytes, base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@dataclass
class WebhookInbox:
    """What one CRC has received, and how it answers."""

    secret: str = field(default_factory=new_webhook_secret, repr=False)
    received: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    forced_status: int | None = None
    _seen: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def receive(self, request: Request) -> Response:
        """Verify, then record; answer 2xx only for a verified event."""
        if self.forced_status is not None:
            return JSONResponse({"detail": "forced failure"}, status_code=self.forced_status)
        body = await request.body()
        try:
            envelope = Webhook(self.secret).verify(body, dict(request.headers))
        except (WebhookVerificationError, ValueError):
            with self._lock:
                self.rejected += 1
            return JSONResponse({"detail": "bad signature"}, status_code=401)
        event_id = request.headers["webhook-id"]
        with self._lock:
            duplicate = event_id in self._seen
            self._seen.add(event_id)
            self.received.append(
                {
                    "webhookId": event_id,
                    "duplicate": duplicate,
                    "arrivedAt": time.time(),
                    "envelope": envelope,
                }
            )
        return Response(status_code=204)

    async def listing(self, request: Request) -> Response:
        """Everything received so far, in arrival order."""
        with self._lock:
            items = list(self.received)
            rejected = self.rejected
        return JSONResponse({"received": items, "rejected": rejected})

    async def control(self, request: Request) -> Response:
        """``{"status": 500}`` fails every delivery with that status; null stops it;
        ``{"clear": true}`` forgets what was received."""
        command = json.loads(await request.body() or b"{}")
        if "status" in command:
            status = command["status"]
            self.forced_status = int(status) if status is not None else None
        if command.get("clear"):
            with self._lock:
                self.received.clear()
                self._seen.clear()
                self.rejected = 0
        return JSONResponse({"status": self.forced_status, "received": len(self.received)})

"""Standard Webhooks signatures (https://www.standardwebhooks.com): what a receiver verifies.

The library signs ``{webhook-id}.{webhook-timestamp}.{body}`` with HMAC-SHA256 under the
partner's ``whsec_`` secret; we only choose the id (the case event's stable id, so a
redelivery carries the same one and the partner can deduplicate) and the time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from math import floor

from standardwebhooks.webhooks import Webhook

CONTENT_TYPE = "application/json"


def signed_headers(signer: Webhook, message_id: str, body: str, now: datetime) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers for a body."""
    moment = now.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(floor(moment.timestamp())),
        "webhook-signature": signer.sign(msg_id=message_id, timestamp=moment, data=body),
        "content-type": CONTENT_TYPE,
    }

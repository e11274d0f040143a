"""Webhooks to CRC partner systems: Standard Webhooks signing and the HTTP sender."""

from adapters.webhooks.sender import SendOutcome, WebhookSender, WebhookTarget
from adapters.webhooks.signing import signed_headers

__all__ = ["SendOutcome", "WebhookSender", "WebhookTarget", "signed_headers"]

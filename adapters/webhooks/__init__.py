"""Webhooks to CRC partner systems: Standard Webhooks signing and the HTTP sender."""

from adapters.webhooks.port import SendOutcome, WebhookTarget
from adapters.webhooks.sender import WebhookSender
from adapters.webhooks.signing import signed_headers

__all__ = ["SendOutcome", "WebhookSender", "WebhookTarget", "signed_headers"]

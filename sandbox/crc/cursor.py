"""Opaque, signed page cursors for the appointments list.

A cursor carries the next offset, a digest of the filters it was issued for and its issue
time, signed with the instance's key: a tampered, foreign, expired or re-filtered cursor is
refused with 400, as the contract says.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

CURSOR_LIFETIME_SECONDS = 30 * 60


class CursorError(ValueError):
    """The cursor is malformed, tampered with, expired or was issued for other filters."""


class CursorCodec:
    """Signs and checks cursors with one instance's key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def encode(self, offset: int, filters: str) -> str:
        """A cursor for the page starting at ``offset`` under ``filters``."""
        payload = json.dumps(
            {"o": offset, "f": _digest(filters), "t": int(time.time())}, separators=(",", ":")
        ).encode()
        signature = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")

    def decode(self, cursor: str, filters: str) -> int:
        """The offset in ``cursor``; raises ``CursorError`` if it cannot be trusted."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except ValueError as error:
            raise CursorError("cursor is not valid") from error
        signature, payload = raw[:16], raw[16:]
        expected = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(signature, expected):
            raise CursorError("cursor is not valid")
        body = json.loads(payload)
        if body["f"] != _digest(filters):
            raise CursorError("cursor was issued for other filters")
        if time.time() - body["t"] > CURSOR_LIFETIME_SECONDS:
            raise CursorError("cursor has expired")
        return int(body["o"])


def _digest(filters: str) -> str:
    return hashlib.sha256(filters.encode()).hexdigest()[:16]

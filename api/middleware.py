"""HTTP-level guards that run before GraphQL sees a request, built from settings.

``BodyLimit`` answers 413 to a body over ``max_body_bytes``: at once when Content-Length
says so, and for a chunked body as soon as the bytes read pass the limit. Nothing beyond
the limit is ever held in memory, and nothing is parsed.
"""

from __future__ import annotations

import json

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings
from api.transport import http_error_body, response_media_type


def transport_middleware(settings: Settings) -> list[Middleware]:
    """Middleware in the order requests meet it (outermost first)."""
    return [Middleware(BodyLimit, max_bytes=settings.max_body_bytes)]


class BodyTooLarge(Exception):
    """Raised from ``receive`` when the body passes the limit; caught by ``BodyLimit``."""


class BodyLimit:
    """Refuses request bodies larger than ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # the app answered without reading it all; nothing more to say
                return
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        accept = _header(scope, b"accept")
        body = json.dumps(
            http_error_body(413, f"The request body is larger than {self.max_bytes} bytes.")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", response_media_type(accept).encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _content_length(scope: Scope) -> int | None:
    raw = _header(scope, b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None

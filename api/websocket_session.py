"""A websocket connection's session: anonymous until ``connection_init`` carries a valid
bearer token, then that caller's for every operation on it, and closed when the token
expires, with the protocol's 4401 and the reason, never silently dropped.

HTTP requests are authenticated by ``api.auth.AuthenticationMiddleware``; a browser cannot
set headers on a websocket, so graphql-transport-ws clients send the token in
``connection_init``'s payload as ``{"Authorization": "Bearer <token>"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from typing import Any

import jwt
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from api.auth import ANONYMOUS, TokenVerifier, Unauthenticated
from resolvers.context import Backends, Context, Limits
from resolvers.subscription_limits import ConnectionSubscriptions

EXPIRED_CODE = 4401
EXPIRED_REASON = "Token expired"


@dataclasses.dataclass
class SocketContext(Context):
    """The context of one websocket connection (strawberry builds it once per socket)."""

    connection_params: dict[str, Any] = dataclasses.field(default_factory=dict)
    websocket: WebSocket | None = None
    expiry: asyncio.Task[None] | None = None

    @classmethod
    def opened(
        cls,
        websocket: WebSocket,
        backends: Backends,
        limits: Limits,
        subscriptions: ConnectionSubscriptions,
    ) -> SocketContext:
        """A new connection's context, anonymous until ``authenticate``."""
        base = Context.for_request(backends, ANONYMOUS, limits)
        fields = {field.name: getattr(base, field.name) for field in dataclasses.fields(Context)}
        return cls(**(fields | {"subscriptions": subscriptions}), websocket=websocket)


async def authenticate(
    context: SocketContext, verifier: TokenVerifier, backends: Backends, limits: Limits
) -> None:
    """Make the connection the token's caller; a missing, invalid or expired token refuses
    it (strawberry closes the socket with 4403 Forbidden)."""
    given = context.connection_params.get("Authorization") or context.connection_params.get(
        "authorization"
    )
    authorization = given if isinstance(given, str) else None
    try:
        caller = await verifier.caller(authorization)
    except Unauthenticated:
        raise ConnectionRejectionError({"code": "UNAUTHENTICATED"}) from None
    fresh = Context.for_request(backends, caller, limits)
    for field in dataclasses.fields(Context):
        if field.name != "subscriptions":
            setattr(context, field.name, getattr(fresh, field.name))
    if context.websocket is not None and authorization is not None:
        expires = _expiry_of(authorization)
        context.expiry = asyncio.create_task(_close_at(context.websocket, expires))


def _expiry_of(authorization: str) -> float:
    """The ``exp`` of a token ``TokenVerifier`` has already verified."""
    token = authorization.partition(" ")[2]
    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"])


async def _close_at(websocket: WebSocket, expires: float) -> None:
    await asyncio.sleep(max(0.0, expires - time.time()))
    with contextlib.suppress(Exception):  # already closed by the client: nothing to do
        await websocket.close(code=EXPIRED_CODE, reason=EXPIRED_REASON)

"""The GraphQL endpoint: strawberry's ASGI view with Case Graph's per-request context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.caller import caller_of
from resolvers.context import Backends, Context, Limits


class CaseGraphView(GraphQL[Context, None]):
    """Builds a fresh ``Context`` (new loaders, the caller) for every request."""

    def __init__(
        self,
        schema: Any,
        backends: Callable[[], Backends],
        limits: Limits,
        *,
        graphiql: bool,
        batching: bool = True,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(),
        )
        self._backends = backends
        self._limits = limits
        self._batching = batching

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        """A new context for this request only."""
        assert isinstance(request, Request)
        return Context.for_request(
            self._backends(), caller_of(request), self._limits, batching=self._batching
        )

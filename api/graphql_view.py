"""The GraphQL endpoint: strawberry's ASGI view with Case Graph's per-request context."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from api.auth import TokenVerifier
from api.caller import caller_of
from api.errors import client_errors
from api.graphiql import graphiql_html
from api.logs import correlated
from api.transport import (
    GRAPHQL_RESPONSE,
    JSON,
    http_error_body,
    is_json,
    is_request_error,
    request_data,
    response_media_type,
)
from api.websocket_session import SocketContext, authenticate
from resolvers.context import Backends, Context, Limits
from resolvers.subscription_limits import CallerSubscriptions


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages go in text frames: browsers' clients (GraphiQL's
    graphql-ws) cannot read the binary frames the view's bytes-returning encoder would give."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        """The message as a text frame."""
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


class CaseGraphView(GraphQL[Context, None]):
    """Builds a fresh ``Context`` (new loaders, the caller) for every request."""

    websocket_adapter_class = TextFrames

    def __init__(
        self,
        schema: Any,
        backends: Callable[[], Backends],
        limits: Limits,
        *,
        graphiql: bool,
        batching: bool = True,
        verifier: TokenVerifier | None = None,
        subscriptions: CallerSubscriptions | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,) if verifier else (),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=None,  # our own cap answers with a code
        )
        self._backends = backends
        self._limits = limits
        self._batching = batching
        self._verifier = verifier
        self._subscriptions = subscriptions or CallerSubscriptions(20, 5)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        """A new context for this request only, with its correlation id echoed back."""
        if isinstance(request, WebSocket):
            return SocketContext.opened(
                request, self._backends(), self._limits, self._subscriptions.connection()
            )
        assert isinstance(request, Request)
        correlation_id = correlation_id_of(request)
        if isinstance(response, Response):
            response.headers[CORRELATION_HEADER] = correlation_id
        return Context.for_request(
            self._backends(),
            caller_of(request),
            self._limits,
            batching=self._batching,
            correlation_id=correlation_id,
        )

    async def on_ws_connect(self, context: Context) -> None:
        """``connection_init`` must carry ``{"Authorization": "Bearer <token>"}`` (see
        ``api.websocket_session``); the connection then acts as that caller."""
        assert isinstance(context, SocketContext)
        assert self._verifier is not None
        await authenticate(context, self._verifier, self._backends(), self._limits)

    # Transport: what the endpoint accepts and how it answers (see api.transport).

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refusals get a GraphQL-shaped JSON body with a code, not strawberry's plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = JSONResponse(
                http_error_body(error.status_code, error.reason),
                status_code=error.status_code,
                media_type=response_media_type(request.headers.get("accept")),
                headers={"Allow": "POST"} if error.status_code == 405 else None,
            )
        await response(scope, receive, send)

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL with its assets served by Case Graph, not a CDN."""
        return graphiql_html()

    async def render_graphql_ide(self, request: Request) -> Response:
        """The page, telling the browser to send no Referer from it: its address may hold a
        demo's single-use sign-in code until the page's script removes it."""
        response = await super().render_graphql_ide(request)
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def should_render_graphql_ide(self, request: Any) -> bool:
        """Without GraphiQL, a browser's GET is an ordinary (query-less) request."""
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    def encode_json(self, data: object) -> bytes:
        """Responses encoded by orjson: the same JSON as the standard library's compact
        form (UTF-8 rather than ``\\u`` escapes), in a fraction of the time."""
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        """JSON nested past the interpreter's recursion limit is a bad request, not a crash."""
        try:
            return super().parse_json(data)
        except RecursionError:
            raise HTTPException(400, "The request's JSON is nested too deeply.") from None

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """One operation, from a GET's query string or a JSON POST body; nothing else."""
        if request.method == "GET":
            return request_data(self.parse_query_params(request.query_params))
        if not is_json(request.content_type):
            raise HTTPException(415, "Send GraphQL requests as application/json.")
        return request_data(self.parse_json(await request.get_body()))

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Runs the operation with its correlation id on every log line; a mutation sent
        with GET is refused with 405 before it runs. The loaders' caches go when it ends."""
        try:
            with correlated(getattr(context, "correlation_id", None)):
                return await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except HTTPException as error:
            if request_adapter.method == "GET" and isinstance(
                error.__cause__, InvalidOperationTypeError
            ):
                raise HTTPException(405, "Send mutations with POST.") from error
            raise
        finally:
            context.release()

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response body, with errors masked once more and a refused document's
        errors cut to the first one (``extensions.omittedErrors`` counts the rest)."""
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            errors, omitted = client_errors(result.errors)
            response["errors"] = [error.formatted for error in errors]
            if omitted:
                response["extensions"] = {"omittedErrors": omitted}
        if result.extensions:
            response["extensions"] = {**(response.get("extensions") or {}), **result.extensions}
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """The response to fill in, answering in the media type the client asked for."""
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """In graphql-response+json, a request refused before execution is a 400 without
        ``data``; in plain JSON it stays a 200, as legacy clients expect."""
        media_type = sub_response.media_type or JSON
        status = sub_response.status_code or 200
        if (
            media_type == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and is_request_error(response_data)
        ):
            status = 400
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
        response = Response(self.encode_json(response_data), status, media_type=media_type)
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response


CORRELATION_HEADER = "X-Correlation-Id"
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def correlation_id_of(request: Request) -> str:
    """The caller's correlation id when it is well-formed, else a new one."""
    given = request.headers.get(CORRELATION_HEADER, "")
    return given if _CORRELATION_ID.fullmatch(given) else uuid.uuid4().hex

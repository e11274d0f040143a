"""The starlette application: ``/graphql``, ``/health`` and ``/ready``.

``create_app(settings)`` opens the real adapters in its lifespan; tests pass their own
``backends``. Nothing happens at import time.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from api.audit import WriteAuditTrail
from api.auth import AuthenticationMiddleware, KeySet, TokenVerifier
from api.bootstrap import limits_of, open_backends
from api.drain import CloseWhileDraining, Drain
from api.errors import quiet_execution_logs
from api.extensions import schema_extensions
from api.graphiql import ASSETS, ASSETS_PATH
from api.graphql_view import CaseGraphView
from api.health import health, ready
from api.logs import configure_logging
from api.metrics import metrics_endpoint
from api.middleware import transport_middleware
from api.settings import Settings, SettingsError
from api.tracing import configure_tracing, flush_spans, tracing_middleware
from resolvers.context import Backends
from resolvers.subscription_limits import CallerSubscriptions
from schema import build_schema


def create_app(settings: Settings, *, backends: Backends | None = None) -> Starlette:
    """The Case Graph application. ``backends`` replaces the adapters built from settings."""
    if not settings.jwks:
        raise SettingsError("CASEGRAPH_JWKS is required: the keys that sign callers' tokens")
    verifier = TokenVerifier(
        KeySet(settings.jwks), issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    schema = build_schema([*schema_extensions(settings), WriteAuditTrail])
    quiet_execution_logs()
    holder: dict[str, Backends] = {} if backends is None else {"backends": backends}
    drain = Drain(settings.drain_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if backends is not None:
            yield
            return
        async with open_backends(settings) as opened:
            holder["backends"] = opened
            settle_memory()
            drain.install()
            try:
                yield
            finally:
                drain.uninstall()
                flush_spans()

    view = CaseGraphView(
        schema,
        lambda: holder["backends"],
        limits_of(settings),
        graphiql=settings.graphiql,
        batching=settings.loader_batching,
        verifier=verifier,
        subscriptions=CallerSubscriptions(
            settings.max_subscriptions_per_caller, settings.max_subscriptions_per_connection
        ),
    )
    ide_assets = (
        [Mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql-assets")]
        if settings.graphiql
        else []
    )
    app = Starlette(
        routes=[
            *ide_assets,
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_endpoint(settings)),
        ],
        middleware=[
            *tracing_middleware(settings),
            *transport_middleware(settings),
            Middleware(AuthenticationMiddleware, verifier=verifier),
            Middleware(CloseWhileDraining, drain=drain),
        ],
        lifespan=lifespan,
    )
    app.state.backends_holder = holder
    app.state.drain = drain
    return app


def settle_memory() -> None:
    """After start-up, move what exists into the permanent generation and collect less often.

    Schemas, plans and pools live for the whole process; without this the collector walks
    them again and again while requests allocate short-lived objects. The young generation
    is collected every 10,000 allocations rather than 700; much larger thresholds let the
    cycles that asyncio leaves behind pile up (a worker's memory passed 280 MiB at 50,000).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def app_from_env() -> Starlette:
    """The application configured from ``CASEGRAPH_*`` variables (for uvicorn's factory).

    Runs in every worker process, so each one logs (and traces) the configured, scrubbed way.
    """
    settings = Settings.from_env()
    configure_logging(settings)
    configure_tracing(settings)
    return create_app(settings)

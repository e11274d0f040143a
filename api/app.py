"""The starlette application: ``/graphql``, ``/health`` and ``/ready``.

``create_app(settings)`` opens the real adapters in its lifespan; tests pass their own
``backends``. Nothing happens at import time.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from api.bootstrap import limits_of, open_backends
from api.errors import MaskInternalErrors, quiet_execution_logs
from api.graphql_view import CaseGraphView
from api.health import health, ready
from api.settings import Settings
from resolvers.context import Backends
from schema import build_schema

MAX_DEPTH = 8
MAX_ALIASES = 15
MAX_TOKENS = 2000


def create_app(settings: Settings, *, backends: Backends | None = None) -> Starlette:
    """The Case Graph application. ``backends`` replaces the adapters built from settings."""
    rules: list[type[ASTValidationRule]] = (
        [] if settings.introspection else [NoSchemaIntrospectionCustomRule]
    )
    schema = build_schema(
        [
            lambda: ParserCache(maxsize=1024),
            lambda: AddValidationRules(rules),
            lambda: ValidationCache(maxsize=1024),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            MaskInternalErrors,
        ]
    )
    quiet_execution_logs()
    holder: dict[str, Backends] = {} if backends is None else {"backends": backends}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if backends is not None:
            yield
            return
        async with open_backends(settings) as opened:
            holder["backends"] = opened
            yield

    view = CaseGraphView(
        schema,
        lambda: holder["backends"],
        limits_of(settings),
        graphiql=settings.graphiql,
        batching=settings.loader_batching,
    )
    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/health", health),
            Route("/ready", ready),
        ],
        lifespan=lifespan,
    )
    app.state.backends_holder = holder
    return app


def app_from_env() -> Starlette:
    """The application configured from ``CASEGRAPH_*`` variables (for uvicorn's factory)."""
    return create_app(Settings.from_env())

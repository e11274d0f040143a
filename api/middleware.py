"""HTTP-level guards that run before GraphQL sees a request, built from settings."""

from __future__ import annotations

from starlette.middleware import Middleware

from api.settings import Settings


def transport_middleware(settings: Settings) -> list[Middleware]:
    """Middleware in the order requests meet it (outermost first)."""
    return []

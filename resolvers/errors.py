"""The errors a client may see: each carries ``extensions.code`` (and ``source`` for backends).

Resolvers raise ``PublicError``; anything else that escapes a resolver is a bug and is
masked by the API into a generic message. ``from_backend`` turns an adapter's error into
the public error for the field that needed that backend, so the rest of the response
still arrives.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graphql import GraphQLError

from adapters.errors import BackendError, BackendRejected, BackendTimeout


class ErrorCode(StrEnum):
    """Every ``extensions.code`` Case Graph sends."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    LIMITED_ACCESS = "LIMITED_ACCESS"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_REJECTED = "UPSTREAM_REJECTED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_REQUEST = "BAD_REQUEST"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class PublicError(GraphQLError):
    """An error whose message is safe to show: no case data, SQL, XML or stack."""

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode,
        source: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        extensions: dict[str, Any] = {"code": code.value}
        if source is not None:
            extensions["source"] = source
        if extra:
            extensions.update(extra)
        super().__init__(message, extensions=extensions)
        self.code = code


def bad_input(message: str, **extra: Any) -> PublicError:
    """A problem with the caller's arguments."""
    return PublicError(message, code=ErrorCode.BAD_USER_INPUT, extra=extra or None)


def from_backend(error: BackendError) -> PublicError:
    """The public face of a backend failure, naming the backend but none of its details."""
    if isinstance(error, BackendTimeout):
        return PublicError(
            f"{error.source} did not answer in time",
            code=ErrorCode.UPSTREAM_TIMEOUT,
            source=error.source,
        )
    if isinstance(error, BackendRejected):
        return PublicError(
            f"{error.source} refused the request",
            code=ErrorCode.UPSTREAM_REJECTED,
            source=error.source,
        )
    return PublicError(
        f"{error.source} is unavailable",
        code=ErrorCode.UPSTREAM_UNAVAILABLE,
        source=error.source,
    )

"""What a client may see of an error, and what the logs may keep.

Public errors (``PublicError``) and GraphQL's own validation errors pass through; every
other error is masked to a generic message with code INTERNAL_SERVER_ERROR and its path
kept, so a bug or a driver message (SQL, XML, values) never reaches a client. Unless
field suggestions are on, "Did you mean ...?" hints are cut from every message: they
would spell out the schema to a client that may not introspect it.
"""

from __future__ import annotations

import logging
import re
import traceback

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors

from resolvers.errors import ErrorCode, PublicError

GENERIC_MESSAGE = "Unexpected error."
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def is_bad_variable(error: GraphQLError) -> bool:
    """A variable's value that its type cannot accept (e.g. "now" for a DateTime).

    graphql-core reports it before execution, wrapping the scalar's own exception; it is
    the client's input, so it is shown (with BAD_USER_INPUT), not masked.
    """
    return error.path is None and isinstance(error.original_error, StrawberryInputCoercionError)


def should_mask(error: GraphQLError) -> bool:
    """Mask everything that is neither a public error nor a validation error (nor masked)."""
    original = error.original_error
    if is_bad_variable(error):
        return False
    if original is None:
        already = (error.extensions or {}).get("code") == ErrorCode.INTERNAL_SERVER_ERROR.value
        return not isinstance(error, PublicError) and error.path is not None and not already
    return not isinstance(original, PublicError)


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """The same error with any "Did you mean ...?" hint cut from its message."""
    if "Did you mean" not in error.message:
        return error
    return GraphQLError(
        _SUGGESTION.sub("", error.message),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    """The same error, carrying ``code`` unless it already has one."""
    if error.extensions and "code" in error.extensions:
        return error
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code.value},
    )


class MaskInternalErrors(MaskErrors):
    """Masks internal errors and gives the masked ones a code; strips suggestions."""

    def __init__(self, *, suggestions: bool = False) -> None:
        super().__init__(should_mask_error=should_mask, error_message=GENERIC_MESSAGE)
        self._suggestions = suggestions

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = [coded_input_error(e) for e in super()._process_errors(errors)]
        return processed if self._suggestions else [without_suggestions(e) for e in processed]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """A generic error at the same place, coded INTERNAL_SERVER_ERROR, with the
        request's correlation id so that support can find the logged cause."""
        correlation_id = getattr(self.execution_context.context, "correlation_id", None)
        return anonymised(error, correlation_id)


def anonymised(error: GraphQLError, correlation_id: str | None = None) -> GraphQLError:
    """A generic error at the same place, coded INTERNAL_SERVER_ERROR."""
    extensions: dict[str, str] = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
    if correlation_id:
        extensions["correlationId"] = correlation_id
    return GraphQLError(
        GENERIC_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def coded_input_error(error: GraphQLError) -> GraphQLError:
    """A bad variable value carries BAD_USER_INPUT; anything else is left as it is."""
    return with_code(error, ErrorCode.BAD_USER_INPUT) if is_bad_variable(error) else error


def client_errors(errors: list[GraphQLError]) -> tuple[list[GraphQLError], int]:
    """What the client gets, and how many errors were left out.

    Errors raised outside execution skip the masking extension, so they are masked here
    again. A document refused before execution gets its first error only: a hostile
    document must not buy thousands of error objects.
    """
    shown = [anonymised(e) if should_mask(e) else coded_input_error(e) for e in errors]
    if len(shown) > 1 and all(e.path is None for e in shown):
        return shown[:1], len(shown) - 1
    return shown, 0


class _DropExecutionErrors(logging.Filter):
    """strawberry logs every resolver error with its full text and traceback. Public errors
    and refused documents are expected outcomes: drop them. Keep internal ones, but only
    their exception type and traceback, since the message may hold case data."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        original = error.original_error
        if isinstance(error, PublicError) or isinstance(original, PublicError):
            return False
        if is_bad_variable(error):
            return False
        if original is None and error.path is None:  # the client's document, not our bug
            return False
        cause = original or error
        frames = traceback.extract_tb(cause.__traceback__)
        record.msg = "internal error in a resolver: %s at %s; raised from %s"
        record.args = (
            type(cause).__name__,
            error.path,
            " < ".join(f"{f.filename}:{f.lineno}" for f in reversed(frames[-5:])),
        )
        record.exc_info = None
        record.exc_text = None
        return True


def quiet_execution_logs() -> None:
    """Keep case data out of the logs (idempotent).

    strawberry's execution logger gets the filter above; httpx logs every request URL at
    INFO, and partner URLs carry CRNs, so it logs warnings only.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logger = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, _DropExecutionErrors) for f in logger.filters):
        logger.addFilter(_DropExecutionErrors())

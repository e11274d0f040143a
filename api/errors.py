"""What a client may see of an error, and what the logs may keep.

Public errors (``PublicError``) and GraphQL's own validation errors pass through; every
other error is masked to a generic message with code INTERNAL_SERVER_ERROR and its path
kept, so a bug or a driver message (SQL, XML, values) never reaches a client.
"""

from __future__ import annotations

import logging
import traceback

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from resolvers.errors import ErrorCode, PublicError

GENERIC_MESSAGE = "Unexpected error."


def should_mask(error: GraphQLError) -> bool:
    """Mask everything that is neither a public error nor a validation error."""
    original = error.original_error
    if original is None:
        return not isinstance(error, PublicError) and error.path is not None
    return not isinstance(original, PublicError)


class MaskInternalErrors(MaskErrors):
    """Masks internal errors and gives the masked ones a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask, error_message=GENERIC_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        """A generic error at the same place, coded INTERNAL_SERVER_ERROR."""
        return GraphQLError(
            GENERIC_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
        )


class _DropExecutionErrors(logging.Filter):
    """strawberry logs every resolver error with its full text and traceback. Public errors
    are expected outcomes: drop them. Keep internal ones, but only their exception type
    and traceback, since the message may hold case data."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        original = error.original_error
        if isinstance(error, PublicError) or isinstance(original, PublicError):
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

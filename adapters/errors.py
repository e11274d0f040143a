"""The errors every adapter raises, and nothing else.

    BackendError(source)           something went wrong talking to one backend
    +-- BackendUnavailable          it could not answer: refused, reset, 5xx, breaker open
    |   +-- BackendTimeout          it did not answer within its budget
    +-- BackendRejected             it answered, and said no: SOAP fault, 4xx, bad input

``source`` names the backend ("delius", "oasys", "crc:C01") so the API can say which
one failed. Messages are for logs and never hold case data; "not found" is not an
error at all: adapters return ``None`` or leave the key out of the mapping.
"""

from __future__ import annotations


class BackendError(Exception):
    """A backend call failed; ``source`` names the backend."""

    def __init__(self, source: str, message: str = "") -> None:
        super().__init__(message or f"{source} failed")
        self.source = source


class BackendUnavailable(BackendError):
    """The backend could not answer (connection refused or lost, 5xx, breaker open)."""


class BackendTimeout(BackendUnavailable):
    """The backend did not answer within its time budget."""


class BackendRejected(BackendError):
    """The backend answered and refused the request (fault, 4xx, invalid input)."""

"""Turning HTTP outcomes from a CRC into the adapter error tree.

400 and other refusals are ``BackendRejected``; 429, 5xx, transport failures and malformed
bodies are ``BackendUnavailable``; timeouts are ``BackendTimeout``. A server's Retry-After is
chained to the error as its cause, so the guard can wait exactly that long. Messages name the
source and the status only: never a URL (it holds a CRN), a token or a secret.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable
from adapters.http import HttpFailure, HttpResponse, HttpTimeout


class MalformedBody(ValueError):
    """A response body that does not have the contract's shape."""


class _RetryAfter(Exception):
    """The server's own wait hint, carried as the ``__cause__`` of a BackendUnavailable."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


def retry_after_hint(error: BackendUnavailable) -> float | None:
    """The Retry-After a throttled or unavailable response carried, if any."""
    cause = error.__cause__
    return cause.seconds if isinstance(cause, _RetryAfter) else None


def transport_failure(error: HttpFailure, source: str) -> NoReturn:
    """Raise the adapter error for a failure below HTTP (refused, reset, timed out)."""
    if isinstance(error, HttpTimeout):
        raise BackendTimeout(source, f"{source}: timed out") from None
    raise BackendUnavailable(source, f"{source}: {error}") from None


def check_status(response: HttpResponse, source: str) -> None:
    """Raise for anything but 2xx; 404 must have been handled by the caller."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 429 or status >= 500:
        hint = _retry_after(response)
        error = BackendUnavailable(source, f"{source}: HTTP {status}")
        if hint is not None:
            raise error from _RetryAfter(hint)
        raise error from None
    raise BackendRejected(source, f"{source}: HTTP {status}")


def json_object(response: HttpResponse, source: str) -> dict[str, Any]:
    """The body as a JSON object, or ``BackendUnavailable`` when it is not one."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise BackendUnavailable(source, f"{source}: malformed response body") from None
    if not isinstance(body, dict):
        raise BackendUnavailable(source, f"{source}: malformed response body")
    return body


def _retry_after(response: HttpResponse) -> float | None:
    raw = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(raw)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None

"""Failures of a ``casegraph`` command, told in one line: what went wrong, what to set.

A command run by hand should never answer with a traceback: a database that is not there,
a DSN that is not one, a missing key or a table not yet created each get a sentence that
names the setting or command that puts it right. Messages never repeat a DSN (it may hold
a password); they name its host, port and database only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg

from adapters.errors import BackendError
from api.settings import SettingsError

DSN_HINT = "start `casegraph demo` in this folder, or set CASEGRAPH_DELIUS_DSN"


class CommandError(Exception):
    """A command cannot go on; its message is the one line the user sees."""


def where(dsn: str) -> str:
    """The database a DSN points at, without its user or password."""
    try:
        parts = urlsplit(dsn)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "the database"
    name = parts.path.lstrip("/") or "postgres"
    return f"{name} on {host}:{port}"


def explain(error: BaseException, dsn: str | None) -> str:
    """The one line to print for ``error`` raised while working against ``dsn``."""
    target = where(dsn) if dsn else "the database"
    cause = error.__cause__ or error
    if isinstance(error, CommandError | SettingsError):
        return str(error)
    if isinstance(cause, asyncpg.ClientConfigurationError) or (
        isinstance(cause, ValueError) and dsn is not None
    ):
        return f"CASEGRAPH_DELIUS_DSN is not a usable PostgreSQL URL ({_first_line(cause)})"
    if isinstance(cause, asyncpg.UndefinedTableError | asyncpg.InvalidSchemaNameError):
        return (
            f"{target} lacks Case Graph's tables ({_first_line(cause)}); run `casegraph migrate`,"
            " or `casegraph seed --load-contract` on an empty database"
        )
    if isinstance(cause, asyncpg.InvalidCatalogNameError):
        return f"{target} does not exist; create it, or {DSN_HINT}"
    if isinstance(cause, asyncpg.InvalidAuthorizationSpecificationError):
        return f"{target} refused the login ({_first_line(cause)}); fix the user or password"
    if isinstance(cause, asyncpg.PostgresError):
        return f"{target} refused: {_first_line(cause)}"
    if isinstance(cause, OSError | TimeoutError | BackendError):
        return f"cannot connect to {target} ({_first_line(cause)}); {DSN_HINT}"
    return f"{type(cause).__name__}: {_first_line(cause)}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

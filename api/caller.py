"""Who the caller is, from the request.

Until token authentication is configured every request acts as the local operator: a
client with the case-reading role and no username, so limited-access cases stay hidden
(a caller with no user is denied on every limited case).
"""

from __future__ import annotations

from starlette.requests import Request

from resolvers.viewer import Caller, Role

LOCAL_OPERATOR = Caller(client_id="casegraph-local", roles=frozenset({Role.READ_CASES}))


def caller_of(request: Request) -> Caller:
    """The caller behind a request."""
    return LOCAL_OPERATOR

"""Who the caller is: set on the request by the authentication middleware."""

from __future__ import annotations

from starlette.requests import Request

from resolvers.viewer import Caller


class NoCaller(RuntimeError):
    """A GraphQL request reached the view without passing authentication (a wiring bug)."""


def caller_of(request: Request) -> Caller:
    """The authenticated caller behind a request."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise NoCaller("request was not authenticated")
    return caller

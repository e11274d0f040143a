"""The demo's single-use sign-in: its GraphiQL link carries a code, never the token.

A token in the address lands in the browser's history and in the Referer of requests the
page makes. The demo's link instead carries a random code; the page (``casegraph-ide.js``)
posts it once to ``SIGN_IN_PATH``, receives the token, puts it in GraphiQL's Headers tab and
removes the code from the address. Why this is safe enough for a demo on 127.0.0.1:

- The code works once: a copy left in the history, or read from a Referer, is worthless.
- Only the person who sees the demo's terminal has the code; a page served to anyone on
  the machine does not hold the token, unlike a token written into every page.
- The exchange is a JSON POST: another site's page cannot send it without a CORS
  preflight (which this endpoint never grants), nor read the answer.
- The answer is marked ``no-store``; the endpoint exists only in the demo's process.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.graphiql import SIGN_IN_PATH


class OneTimeSignIn:
    """Exchanges one random code, once, for the demo's token."""

    def __init__(self, token: str) -> None:
        self.code = secrets.token_urlsafe(24)
        self._token: str | None = token

    def route(self) -> Route:
        """The endpoint, to add to the demo's application."""
        return Route(SIGN_IN_PATH, self.exchange, methods=["POST"])

    async def exchange(self, request: Request) -> JSONResponse:
        """The token for the right code the first time; 403 for anything else."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        code = body.get("code") if isinstance(body, dict) else None
        token = self._token
        if (
            token is None
            or not isinstance(code, str)
            or not secrets.compare_digest(code.encode(), self.code.encode())
        ):
            return JSONResponse(
                {"error": "this sign-in link is not valid, or was used already"},
                status_code=403,
                headers={"Cache-Control": "no-store"},
            )
        self._token = None
        return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})

"""RFC 9457 problem responses, the only error shape the partner API sends (token endpoint aside)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    invalid: list[tuple[str, str]] | None = None,
    type_: str = "about:blank",
) -> JSONResponse:
    """A problem+json response; the correlation id, when sent, is repeated in the body."""
    body: dict[str, Any] = {
        "type": type_,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    correlation = request.headers.get("x-correlation-id")
    if correlation:
        body["correlationId"] = correlation
    if invalid:
        body["invalidParams"] = [{"name": name, "reason": reason} for name, reason in invalid]
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def invalid_parameter(request: Request, name: str, reason: str) -> JSONResponse:
    """400 naming the one parameter that is wrong."""
    return problem(
        request,
        400,
        f"{name} {reason}",
        invalid=[(name, reason)],
        type_="https://crc.example.invalid/problems/invalid-parameter",
    )

"""GraphQL over HTTP: which requests the endpoint takes, and how it answers.

One operation per request (no batches), as a JSON object in a POST body
(``application/json`` only: form posts would let any web page send a request, so they get
415) or in the query string of a GET (queries only: a mutation over GET gets 405).
Answers use ``application/graphql-response+json`` when the client prefers it, and then a
request that fails before execution (unparsable, invalid, bad variables) gets 400 and no
``data`` entry; ``application/json`` keeps the legacy 200 for those.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData

from api.trusted_documents import DOCUMENT_ID
from resolvers.errors import ErrorCode

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def response_media_type(accept: str | None) -> str:
    """The media type to answer in: graphql-response+json only if asked for at least as
    strongly as plain JSON; plain JSON for a missing Accept, ``*/*`` or anything else."""
    if not accept:
        return JSON
    weights = _accept_weights(accept)
    wildcard = max(weights.get("*/*", 0.0), weights.get("application/*", 0.0))
    preferred = weights.get(GRAPHQL_RESPONSE, 0.0)
    plain = weights.get(JSON, wildcard)
    return GRAPHQL_RESPONSE if preferred > 0 and preferred >= plain else JSON


def _accept_weights(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(",")[:32]:
        media, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media:
            weights[media.lower()] = max(weights.get(media.lower(), 0.0), weight)
    return weights


def is_json(content_type: str | None) -> bool:
    """Whether a POST body is declared as JSON (parameters such as charset allowed)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == JSON


def request_data(data: object) -> GraphQLRequestData:
    """The one operation a request carries, with every parameter checked for its type.

    A ``documentId`` (trusted document) travels to the schema in ``extensions``.
    """
    if isinstance(data, list):
        raise HTTPException(400, "Batched requests are not supported: send one operation.")
    if not isinstance(data, dict):
        raise HTTPException(400, "The request must be a JSON object.")
    query = _optional(data, "query", str, "a string")
    variables = _optional(data, "variables", dict, "an object")
    operation_name = _optional(data, "operationName", str, "a string")
    extensions = _optional(data, "extensions", dict, "an object")
    document_id = _optional(data, "documentId", str, "a string")
    if document_id is not None:
        extensions = {**(extensions or {}), DOCUMENT_ID: document_id}
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
    )


def _optional(data: Mapping[str, Any], key: str, kind: type, described: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise HTTPException(400, f"The request's `{key}` must be {described} or null.")
    return value


def is_request_error(response: GraphQLHTTPResponse) -> bool:
    """A response that failed before execution: no data and no error at a field path."""
    errors = response.get("errors") or []
    return (
        response.get("data") is None
        and bool(errors)
        and all(isinstance(e, dict) and not e.get("path") for e in errors)
    )


def http_error_body(status: int, message: str) -> dict[str, Any]:
    """A refused HTTP request, shaped like a GraphQL response so clients read one format."""
    code = ErrorCode.PAYLOAD_TOO_LARGE.value if status == 413 else ErrorCode.BAD_REQUEST.value
    return {"errors": [{"message": message, "extensions": {"code": code}}]}

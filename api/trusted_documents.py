"""Trusted documents: operations registered ahead of time and sent by id.

The manifest (setting ``trusted_documents``, a file path) is a JSON object mapping an id to
a document: ``{"sha256:<hex>": "query Overview($crn: ID!) { ... }"}``, where ``<hex>`` is
the SHA-256 of the document's UTF-8 bytes. Plain ``<hex>`` keys are accepted too (Apollo's
persisted-query manifests use them). Every key is checked against its document when the
manifest loads, so a wrong manifest stops the service at start-up, not at request time.

A request names its document with ``documentId`` (GraphQL over HTTP) or
``extensions.persistedQuery.sha256Hash`` (Apollo). An unknown id gets
PERSISTED_QUERY_NOT_FOUND. Once a manifest is configured, partner (CRC) clients may only
run registered documents: a raw ``query`` from them gets PERSISTED_QUERY_REQUIRED. Both
are GraphQL request errors: 200 with ``application/json``, 400 with
``application/graphql-response+json``. Staff clients may still send raw documents. With
no manifest nobody is restricted, and every id is unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.settings import SettingsError
from resolvers.documents import sha256
from resolvers.errors import ErrorCode
from resolvers.viewer import Caller

DOCUMENT_ID = "documentId"
"""Where the view puts a request's ``documentId`` among the operation's extensions."""

_ID = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


@dataclass(frozen=True, slots=True)
class TrustedDocuments:
    """The registered documents, by the hex SHA-256 of their text."""

    by_hash: Mapping[str, str] = field(default_factory=dict)
    enforced: bool = False

    @classmethod
    def load(cls, path: str) -> TrustedDocuments:
        """The manifest at ``path``; an empty path means no manifest (nothing enforced)."""
        if not path:
            return cls()
        try:
            manifest = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SettingsError(f"trusted documents {path}: {error}") from None
        if not isinstance(manifest, dict):
            raise SettingsError(f"trusted documents {path}: not a JSON object")
        by_hash: dict[str, str] = {}
        for key, document in manifest.items():
            digest = _digest_of(str(key))
            if not isinstance(document, str) or digest is None or sha256(document) != digest:
                raise SettingsError(f"trusted documents {path}: {key} is not its document's hash")
            by_hash[digest] = document
        return cls(by_hash=by_hash, enforced=True)

    def document(self, document_id: str) -> str | None:
        """The registered document for an id (``sha256:<hex>`` or ``<hex>``), if any."""
        digest = _digest_of(document_id)
        return None if digest is None else self.by_hash.get(digest)


def _digest_of(document_id: str) -> str | None:
    match = _ID.fullmatch(document_id.strip().lower())
    return match.group(1) if match else None


def requested_id(extensions: Mapping[str, Any] | None) -> str | None:
    """The document id a request names, by either convention."""
    if not extensions:
        return None
    named = extensions.get(DOCUMENT_ID)
    if isinstance(named, str):
        return named
    persisted = extensions.get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    return None


def document_to_run(
    documents: TrustedDocuments,
    query: str | None,
    extensions: Mapping[str, Any] | None,
    caller: Caller | None,
) -> str | None:
    """The text to execute for a request, or the coded error refusing it.

    ``caller`` None (unknown) is treated as a partner: the rule fails closed.
    """
    document_id = requested_id(extensions)
    if document_id is None:
        partner = caller is None or caller.is_partner
        if documents.enforced and partner and query is not None:
            raise _refusal(ErrorCode.PERSISTED_QUERY_REQUIRED, "Send a registered documentId.")
        return query
    registered = documents.document(document_id)
    if registered is None:
        raise _refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "No such registered document.")
    if query is not None and query != registered:
        raise _refusal(ErrorCode.BAD_REQUEST, "Send either a documentId or a query.")
    return registered


def _refusal(code: ErrorCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


class TrustedDocumentGate(SchemaExtension):
    """Swaps a document id for its registered text, and refuses what the rules forbid."""

    def __init__(self, documents: TrustedDocuments) -> None:
        self._documents = documents

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        caller = getattr(context.context, "caller", None)
        context.query = document_to_run(
            self._documents,
            context.query,
            context.operation_extensions,
            caller if isinstance(caller, Caller) else None,
        )
        yield

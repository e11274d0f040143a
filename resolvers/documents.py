"""A GraphQL document's identity: the digest trusted documents, plans and audit rows key it by."""

from __future__ import annotations

import hashlib


def sha256(document: str) -> str:
    """The hex SHA-256 of a document's text, as manifests key it."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()

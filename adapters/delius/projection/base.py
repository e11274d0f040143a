"""What every entity's SQL is written against: scopes, the builder's interface, the cases.

The entity modules build their SQL through a ``Builder`` without knowing the class that
implements it (``statement.Statement``), so the package's imports run one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from adapters.projection import Field, Relation

Scope = Mapping[str, str]
"""The aliases (or, for a code-list entry, the expressions) one row is read through."""

CASES = "ANY($1::bigint[])"
"""The offender ids of every case one statement reads."""

MISSING = '"\\u001fcasegraph:missing\\u001f"'
"""What a relation of ``MAY_BE_MISSING`` reads as when it has no row: a JSON string no
column can hold unless its text holds the same control characters (and then the case is
merely read the slower way)."""


class Builder(Protocol):
    """The part of a statement under construction that an entity's SQL uses."""

    def aliases(self, *stems: str) -> dict[str, str]:
        """Fresh aliases for the tables of one subquery, by stem."""
        ...

    def object(self, entity: str, fields: Sequence[Field], scope: Scope) -> str:
        """The JSON text of ``fields`` of one row of ``entity``."""
        ...

    def per_case(self, select: str) -> str:
        """The value of a read giving at most one ``(offender_id, value)`` row per case."""
        ...

    def array_per_case(self, element: str, order: str, key: str, source: str) -> str:
        """A JSON array of ``element`` over each case's ``source`` rows."""
        ...

    def array(self, element: str, order: str, source: str) -> str:
        """A JSON array of ``element`` over ``source`` rows."""
        ...


ColumnSql = Callable[[Scope], str]
RelationSql = Callable[[Builder, Relation, Scope], str]

"""A mutation reads from the primary only, from its access check to its result.

With a read replica configured, a write's guard (the case-access check) and the answer a
mutation returns must see the primary's rows, not a replica that may not have replayed
them yet (read-your-writes). Queries are untouched: they read wherever the nDelius
adapter's read route sends them.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from adapters.delius.read_route import primary_reads


class MutationsReadFromPrimary(SchemaExtension):
    """Runs a mutation's whole execution with reads pinned to the primary."""

    def on_execute(self) -> Iterator[None]:
        """Pins reads around the execution of a mutation; any other operation passes."""
        try:
            mutation = self.execution_context.operation_type is OperationType.MUTATION
        except RuntimeError:  # no document, or no such operation: nothing will run
            mutation = False
        if not mutation:
            yield
            return
        with primary_reads():
            yield

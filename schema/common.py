"""Small types shared by every part of the graph: code-list values and page info."""

from __future__ import annotations

import strawberry

from adapters.records import CodedValue as CodedValueRecord


@strawberry.type(description="A value from one of the legacy code lists.")
class CodedValue:
    code: str = strawberry.field(description="The code as nDelius holds it, e.g. COAP or M.")
    description: str = strawberry.field(description="What the code means, for display.")

    @classmethod
    def from_record(cls, record: CodedValueRecord) -> CodedValue:
        """The GraphQL face of a code-list record."""
        return cls(code=record.code, description=record.description)


def coded(record: CodedValueRecord | None) -> CodedValue | None:
    """A code-list value, or None when the row holds none."""
    return None if record is None else CodedValue(code=record.code, description=record.description)


@strawberry.type(description="Where a page of a list ends, and whether more follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows this one.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to get the next page; null on an empty page."
    )

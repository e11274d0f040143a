"""Plain fields read from strawberry's own definitions, not from a second table."""

from __future__ import annotations

from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from executor.specs import Spec, attribute


def attributes_of(cls: type, **resolved: Spec) -> dict[str, Spec]:
    """The fields of a strawberry type, read as strawberry reads them: each field without a
    resolver is the record's attribute of the same name (the records and the types share
    their names); ``resolved`` gives the others, by GraphQL name."""
    fields = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
    plain: dict[str, Spec] = {
        f.graphql_name or to_camel_case(f.python_name): attribute(f.python_name)
        for f in fields
        if f.base_resolver is None and not is_private(f.type)
    }
    return {**plain, **resolved}

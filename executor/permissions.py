"""A field's permission, checked by the planned executor as strawberry checks it.

strawberry runs a field's permission classes before its resolver and raises what
``on_unauthorized`` raises at that field; the plan does the same with the same classes,
so both executors refuse with the same error at the same path.
"""

from __future__ import annotations

from typing import Any, cast

from strawberry.permission import BasePermission

from executor.specs import Args
from resolvers.context import Context
from resolvers.errors import PublicError


class _Info:
    """The slice of ``Info`` a permission reads: the context."""

    __slots__ = ("context",)

    def __init__(self, context: Context) -> None:
        self.context = context


def refusal(
    permission: BasePermission, source: Any, args: Args, context: Context
) -> Exception | None:
    """The error the permission gives this caller, or None when it lets them through."""
    if permission.has_permission(source, cast(Any, _Info(context)), **args):
        return None
    try:
        permission.on_unauthorized()
    except PublicError as error:
        return error
    return PermissionError(permission.message or "permission denied")

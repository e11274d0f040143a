"""Field permissions: every root field names the capability it needs (deny by default)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from resolvers.context import Info
from resolvers.errors import ErrorCode, PublicError
from resolvers.policy import can_read_cases


class CanReadCases(BasePermission):
    """The caller holds a case-reading capability (staff reader, or a scoped partner)."""

    message = "you may not read cases"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Checked before the resolver runs."""
        return can_read_cases(info.context.caller)

    def on_unauthorized(self) -> None:
        """A coded FORBIDDEN error at the field."""
        raise PublicError(self.message, code=ErrorCode.FORBIDDEN)


class IsAuthenticated(BasePermission):
    """Any caller with a valid token (the middleware has already checked it)."""

    message = "authentication required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        """Checked before the resolver runs."""
        return bool(info.context.caller.client_id)

    def on_unauthorized(self) -> None:
        """A coded error at the field."""
        raise PublicError(self.message, code=ErrorCode.FORBIDDEN)

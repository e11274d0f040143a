"""Which offender manager allocation is the current one: the one rule every reader uses."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.records import ManagerRecord
from resolvers.context import Context


def current_of(managers: Iterable[ManagerRecord] | None) -> ManagerRecord | None:
    """The active allocation, or None when the case has no current manager."""
    return next((m for m in managers or () if m.active), None)


async def current_manager(context: Context, offender_id: int) -> ManagerRecord | None:
    """The current allocation of a case, through the request's managers loader."""
    return current_of(await context.delius.managers.load(offender_id))

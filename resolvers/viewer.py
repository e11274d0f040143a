"""Who is asking: the caller as the API sees them, taken from the request's credentials."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller. ``username`` is None for client-credentials tokens."""

    client_id: str
    username: str | None = None
    roles: frozenset[str] = frozenset()
    provider_code: str | None = None

    @property
    def is_partner(self) -> bool:
        """A partner (CRC) client, scoped to the cases its provider holds."""
        return self.provider_code is not None


def listed_roles(caller: Caller) -> list[str]:
    """The caller's roles as the graph lists them: sorted, so an answer is stable."""
    return sorted(caller.roles)


class Role:
    """The roles (token claims) that grant each capability."""

    READ_CASES = "ROLE_CASEGRAPH_READ"
    READ_SENSITIVE = "ROLE_CASEGRAPH_SENSITIVE"
    WRITE_CONTACTS = "ROLE_CASEGRAPH_WRITE"
    PARTNER = "ROLE_CASEGRAPH_PARTNER"

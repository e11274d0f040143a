"""The per-request context: who is asking, the limits, and fresh loaders for each backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry

from adapters.ports import DeliusPort
from resolvers.delius_loaders import DeliusLoaders
from resolvers.viewer import Caller


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one request may ask for."""

    max_cases: int = 100
    max_page_size: int = 100
    max_representations: int = 100


@dataclass(frozen=True, slots=True)
class Backends:
    """The long-lived adapters, opened once in the application's lifespan."""

    delius: DeliusPort


@dataclass
class Context:
    """Everything a resolver may use while answering one request."""

    caller: Caller
    limits: Limits
    delius: DeliusLoaders
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_request(cls, backends: Backends, caller: Caller, limits: Limits) -> Context:
        """A context with new, empty loaders: caches never outlive the request."""
        return cls(
            caller=caller,
            limits=limits,
            delius=DeliusLoaders(backends.delius, caller.username),
        )


Info = strawberry.Info[Context, None]

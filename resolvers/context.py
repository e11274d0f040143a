"""The per-request context: who is asking, the limits, and fresh loaders for each backend."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from adapters.crc.port import CrcPort
from adapters.oasys.port import OasysPort
from adapters.ports import AuditPort, CaseEventPort, DeliusPort, WritePort
from resolvers.audit import AuditTrail
from resolvers.delius_loaders import DeliusLoaders
from resolvers.loader import clear_loaders
from resolvers.partner import CrcLoaders
from resolvers.risk import OasysLoaders
from resolvers.subscription_limits import ConnectionSubscriptions
from resolvers.viewer import Caller


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one request may ask for."""

    max_cases: int = 100
    max_page_size: int = 100
    max_representations: int = 100


@dataclass(frozen=True, slots=True)
class Backends:
    """The long-lived adapters, opened once in the application's lifespan.

    A partner backend that is not configured is None; its fields are then null.
    """

    delius: DeliusPort
    oasys: OasysPort | None = None
    crc: CrcPort | None = None
    audit: AuditPort | None = None
    case_events: CaseEventPort | None = None
    """The stored case-event feed; None when nDelius cannot give one (no logical decoding)."""
    writes: WritePort | None = field(init=False)
    """nDelius, when its adapter takes writes (decided once: a Protocol check is slow)."""
    _audit_log: AuditPort | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        delius = self.delius
        audit_log = self.audit or (delius if isinstance(delius, AuditPort) else None)
        object.__setattr__(self, "_audit_log", audit_log)
        object.__setattr__(self, "writes", delius if isinstance(delius, WritePort) else None)

    @property
    def audit_log(self) -> AuditPort:
        """Where the audit trail goes: its own store if configured, else beside nDelius."""
        if self._audit_log is None:
            raise TypeError("no audit store configured")
        return self._audit_log


@dataclass
class Context:
    """Everything a resolver may use while answering one request."""

    caller: Caller
    limits: Limits
    delius: DeliusLoaders
    oasys: OasysLoaders | None = None
    crc: CrcLoaders | None = None
    audit_log: AuditPort | None = None
    writes: WritePort | None = None
    audit: AuditTrail = field(default_factory=AuditTrail)
    correlation_id: str = ""
    subscriptions: ConnectionSubscriptions | None = None
    """A websocket connection's subscription slots (None over HTTP)."""
    backends: Backends | None = None
    """The long-lived adapters themselves, for work that outlives one read (a live
    subscription checks access with fresh reads, never a request's cached loaders)."""

    @classmethod
    def for_request(
        cls,
        backends: Backends,
        caller: Caller,
        limits: Limits,
        *,
        batching: bool = True,
        correlation_id: str = "",
    ) -> Context:
        """A context with new, empty loaders: caches never outlive the request."""
        return cls(
            caller=caller,
            limits=limits,
            delius=DeliusLoaders(backends.delius, caller.username, batching=batching),
            oasys=OasysLoaders(backends.oasys) if backends.oasys is not None else None,
            crc=CrcLoaders(backends.crc) if backends.crc is not None else None,
            audit_log=backends.audit_log,
            writes=backends.writes,
            correlation_id=correlation_id,
            backends=backends,
        )

    def release(self) -> None:
        """Drop what this request's loaders cached, once its answer is built."""
        self.delius.release()
        clear_loaders(*(loaders for loaders in (self.oasys, self.crc) if loaders is not None))


Info = strawberry.Info[Context, None]

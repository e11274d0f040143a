"""One settings object, read once from ``CASEGRAPH_*`` environment variables.

Every knob the service has is here, typed and with a safe default; the README's settings
table lists them. Tests build ``Settings`` directly. Secrets are wrapped in ``Secret`` so
they never show in a ``repr`` or a log line.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

PREFIX = "CASEGRAPH_"
_MIN_WEBHOOK_KEY_BYTES = 24  # the Standard Webhooks guidance: 24 to 64 random bytes


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that hides itself from ``repr`` and ``str``."""

    value: str

    def __repr__(self) -> str:
        return "Secret('**********')" if self.value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class CrcEndpoint:
    """How to reach one CRC partner system: base URL and client credentials, and where its
    case events are pushed (optional: no webhook URL means no webhooks)."""

    provider_code: str
    base_url: str
    client_id: str
    client_secret: Secret
    webhook_url: str | None = None
    webhook_secret: Secret = Secret("")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Case Graph can be told from outside; see the README's settings table."""

    delius_dsn: Secret = Secret("postgresql://localhost:5432/ndelius")
    delius_pool_min: int = 2
    delius_pool_max: int = 10
    delius_connect_timeout: float = 5.0
    delius_statement_timeout: float = 2.0
    search_refresh_seconds: float = 300.0
    search_refresh_timeout: float = 600.0
    delius_read_dsn: Secret = Secret("")
    delius_max_replica_lag_seconds: float = 5.0
    delius_acquire_timeout: float = 3.0
    delius_pgbouncer: bool = False
    audit_retention_months: int = 0

    oasys_url: str = "http://127.0.0.1:8081/oasys"
    oasys_timeout: float = 3.0
    oasys_concurrency: int = 20
    oasys_cache_seconds: float = 30.0

    crc_registry: tuple[CrcEndpoint, ...] = ()
    crc_timeout: float = 3.0
    crc_concurrency: int = 20

    webhook_timeout: float = 5.0
    webhook_max_attempts: int = 10
    webhook_backoff_seconds: float = 1.0
    webhook_backoff_max_seconds: float = 300.0
    webhook_poll_seconds: float = 1.0
    webhook_concurrency: int = 8

    breaker_failures: int = 5
    breaker_reset_seconds: float = 30.0
    request_deadline_seconds: float = 10.0

    loader_batching: bool = True
    planner: bool = True
    max_cases: int = 100
    max_page_size: int = 100
    max_representations: int = 100

    max_depth: int = 8
    max_aliases: int = 15
    max_tokens: int = 2000
    max_document_chars: int = 15000
    max_directives: int = 50
    max_body_bytes: int = 102400
    trusted_documents: str = ""

    jwks: str = ""
    jwt_issuer: str = "casegraph-local"
    jwt_audience: str = "casegraph"

    graphiql: bool = False
    introspection: bool = False
    field_suggestions: bool = False
    log_format: str = "json"
    metrics_enabled: bool = True
    otel_exporter: str = ""
    otel_file: str = ".casegraph/spans.jsonl"
    otel_sample_ratio: float = 1.0
    host: str = "127.0.0.1"
    port: int = 8000

    drain_seconds: float = 5.0
    shutdown_seconds: float = 30.0
    events_capture: bool = True
    events_retention_days: int = 30
    events_poll_seconds: float = 0.1
    events_public_url: str = "http://127.0.0.1:8000"
    max_subscriptions_per_connection: int = 5
    max_subscriptions_per_caller: int = 20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``CASEGRAPH_*`` variable; unknown ones are an error, not a silence."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for key, raw in env.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX) :].lower()
            if name not in known:
                raise SettingsError(f"unknown setting {key}")
            values[name] = _parse(name, known[name].type, raw)
        return cls(**values)

    def crc_endpoint(self, provider_code: str) -> CrcEndpoint | None:
        """The registry entry for a CRC provider code, if it has one."""
        for endpoint in self.crc_registry:
            if endpoint.provider_code == provider_code:
                return endpoint
        return None


def _parse(name: str, annotation: object, raw: str) -> Any:
    kind = str(annotation)
    try:
        if name == "crc_registry":
            return parse_crc_registry(raw)
        if kind == "Secret":
            return Secret(raw)
        if kind == "bool":
            return _parse_bool(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except (ValueError, TypeError, KeyError) as error:
        raise SettingsError(f"{PREFIX}{name.upper()}: {error}") from None
    return raw


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def parse_crc_registry(raw: str) -> tuple[CrcEndpoint, ...]:
    """Parse the CRC registry: JSON, or ``@path`` to a JSON file.

    The JSON maps provider code to ``{"url", "clientId", "clientSecret"}``, optionally with
    ``"webhookUrl"`` and ``"webhookSecret"`` (a Standard Webhooks ``whsec_`` secret) together.
    """
    text = Path(raw[1:]).read_text() if raw.startswith("@") else raw
    document = json.loads(text) if text.strip() else {}
    if not isinstance(document, dict):
        raise ValueError("the CRC registry must be a JSON object keyed by provider code")
    return tuple(
        CrcEndpoint(
            provider_code=code,
            base_url=str(entry["url"]).rstrip("/"),
            client_id=str(entry["clientId"]),
            client_secret=Secret(str(entry["clientSecret"])),
            **_webhook_of(code, entry),
        )
        for code, entry in sorted(document.items())
    )


def _webhook_of(code: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook fields of one registry entry: both or neither, the secret well formed."""
    url, secret = entry.get("webhookUrl"), entry.get("webhookSecret")
    if url is None and secret is None:
        return {}
    if not url or not secret:
        raise ValueError(f"{code}: webhookUrl and webhookSecret go together")
    if not str(url).startswith(("http://", "https://")):
        raise ValueError(f"{code}: webhookUrl must be an http(s) URL")
    try:
        key = base64.b64decode(str(secret).removeprefix("whsec_"), validate=True)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) < _MIN_WEBHOOK_KEY_BYTES:
        raise ValueError(f"{code}: webhookSecret must be whsec_ and at least 24 bytes in base64")
    return {"webhook_url": str(url), "webhook_secret": Secret(str(secret))}

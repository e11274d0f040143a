"""The CRC registry's webhook URL and signing secret: optional, together, well formed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.settings import Settings, SettingsError
from sandbox.crc.webhooks import new_webhook_secret


def _registry(**extra: Any) -> dict[str, str]:
    entry = {"url": "http://127.0.0.1:8091/", "clientId": "gw", "clientSecret": "s3", **extra}
    return {"CASEGRAPH_CRC_REGISTRY": json.dumps({"C01": entry})}


def test_a_partner_without_a_webhook_gets_none() -> None:
    endpoint = Settings.from_env(_registry()).crc_endpoint("C01")
    assert endpoint is not None
    assert endpoint.webhook_url is None


def test_the_webhook_url_and_secret_are_read_and_the_secret_hidden() -> None:
    secret = new_webhook_secret()
    settings = Settings.from_env(
        _registry(webhookUrl="https://crc.example/hooks", webhookSecret=secret)
    )
    endpoint = settings.crc_endpoint("C01")
    assert endpoint is not None
    assert endpoint.webhook_url == "https://crc.example/hooks"
    assert endpoint.webhook_secret.value == secret
    assert secret not in repr(settings)
    assert secret.removeprefix("whsec_") not in repr(settings)


@pytest.mark.parametrize(
    "extra",
    [
        {"webhookUrl": "https://crc.example/hooks"},
        {"webhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
        {"webhookUrl": "ftp://crc.example/hooks", "webhookSecret": "whsec_MfKQ9r8GKYqrTwjU"},
        {"webhookUrl": "https://crc.example/hooks", "webhookSecret": "whsec_"},
        {"webhookUrl": "https://crc.example/hooks", "webhookSecret": "whsec_abc"},
    ],
)
def test_a_half_or_malformed_webhook_entry_stops_start_up(extra: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="CASEGRAPH_CRC_REGISTRY: C01"):
        Settings.from_env(_registry(**extra))

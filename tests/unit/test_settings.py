"""Settings come from CASEGRAPH_* variables, typed, with secrets hidden."""

from __future__ import annotations

import json

import pytest

from api.settings import Settings, SettingsError


def test_reads_typed_values_and_keeps_defaults() -> None:
    settings = Settings.from_env(
        {"CASEGRAPH_OASYS_TIMEOUT": "1.5", "CASEGRAPH_GRAPHIQL": "off", "PATH": "/bin"}
    )
    assert settings.oasys_timeout == 1.5
    assert settings.graphiql is False
    assert settings.max_page_size == 100


def test_secrets_never_show() -> None:
    registry = {"C01": {"url": "http://127.0.0.1:8091/", "clientId": "gw", "clientSecret": "s3"}}
    settings = Settings.from_env(
        {
            "CASEGRAPH_DELIUS_DSN": "postgresql://u:hunter2@db/ndelius",
            "CASEGRAPH_CRC_REGISTRY": json.dumps(registry),
        }
    )
    shown = repr(settings)
    assert "hunter2" not in shown
    assert "s3" not in shown
    endpoint = settings.crc_endpoint("C01")
    assert endpoint is not None
    assert endpoint.base_url == "http://127.0.0.1:8091"
    assert endpoint.client_secret.value == "s3"


@pytest.mark.parametrize(
    "environ",
    [
        {"CASEGRAPH_NO_SUCH_THING": "1"},
        {"CASEGRAPH_MAX_CASES": "many"},
        {"CASEGRAPH_GRAPHIQL": "?"},
    ],
)
def test_bad_values_are_refused_by_name(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="CASEGRAPH_"):
        Settings.from_env(environ)

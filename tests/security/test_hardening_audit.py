"""graphql-http's server audit (npm ``graphql-http``) against Case Graph under uvicorn."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from api.settings import Settings
from tests.conftest import Tokens
from tests.federation.processes import serve_casegraph

NODE_DIR = Path(__file__).resolve().parent / "node"
AUDIT_SECONDS = 60

pytestmark = pytest.mark.node


def _node_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE_DIR / "node_modules").is_dir():
        return "npm packages missing: run `npm ci --prefix tests/security/node`"
    return None


def test_the_graphql_over_http_audit_finds_no_errors(production: Settings, tokens: Tokens) -> None:
    if reason := _node_missing():
        pytest.skip(reason)
    # The audit's documents use ``__type``: introspection on, every other production default.
    with serve_casegraph(dataclasses.replace(production, introspection=True)) as url:
        finished = subprocess.run(
            ["node", "audit.mjs"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=AUDIT_SECONDS,
            env={**os.environ, "CASEGRAPH_URL": url, "CASEGRAPH_TOKEN": tokens.mint()},
            check=False,
        )
    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout)
    print("graphql-http audit warnings:", *summary["warn"], sep="\n  ")
    assert summary["error"] == []
    assert summary["warn"] == []
    assert len(summary["ok"]) > 50

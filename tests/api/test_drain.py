"""SIGTERM drains a real server process: not ready at once, still serving, then gone."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import time

import httpx
import pytest

from api.settings import Settings
from tests.conftest import Tokens
from tests.server_process import STOP_SECONDS, start_server

pytestmark = pytest.mark.asyncio(loop_scope="session")

DRAIN_SECONDS = 4.0
QUERY = "{ me { roles } }"


async def test_sigterm_turns_ready_off_while_requests_are_still_served(
    settings: Settings, tokens: Tokens
) -> None:
    headers = tokens.header()
    server = await start_server(dataclasses.replace(settings, drain_seconds=DRAIN_SECONDS), headers)
    try:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=5.0
        ) as http:
            before = await http.post("/graphql", json={"query": QUERY})
            assert before.status_code == 200
            assert before.headers.get("connection") != "close"

            server.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + DRAIN_SECONDS
            while (ready := await http.get("/ready")).status_code == 200:
                assert time.monotonic() < deadline, "/ready never turned 503"
                await asyncio.sleep(0.05)
            assert (ready.status_code, ready.json()["status"]) == (503, "draining")

            during = await http.post("/graphql", json={"query": QUERY})
            assert during.status_code == 200, server.log_tail()
            assert during.json()["data"]["me"]["roles"], during.text
            assert during.headers["connection"] == "close"
            assert (await http.get("/health")).status_code == 200
        exit_code = await asyncio.to_thread(server.process.wait, DRAIN_SECONDS + STOP_SECONDS)
        assert exit_code in (0, -signal.SIGTERM), server.log_tail()
    finally:
        server.stop()

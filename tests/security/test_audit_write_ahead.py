"""The planned executor writes a case's audit row while OASys and the CRCs are still being
asked, and the response still waits for it: one row per CRN, durable before any data leaves.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from adapters.delius import DeliusAdapter
from api.settings import Settings
from bench import documents
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from tests.api.test_backends_degrade import _healthy, app_client, crc_case, crcs, oasys
from tests.conftest import Tokens

__all__ = ["_healthy", "crcs", "oasys"]  # the stand-ins' fixtures, shared

BUDGET = 30.0
"""Each OASys call's budget: far longer than the row takes, so the request is still
waiting on OASys when the row is looked for (a safeguard, not a speed check)."""


async def rows_of(sql: Any, correlation: str) -> list[Any]:
    return list(
        await sql.fetch(
            "SELECT crn, outcome FROM casegraph.audit_event WHERE correlation_id = $1",
            correlation,
        )
    )


async def test_the_row_is_written_while_oasys_is_still_answering(
    settings: Settings,
    delius: DeliusAdapter,
    oasys: OasysServer,
    crcs: CrcServers,
    tokens: Tokens,
    sql: Any,
) -> None:
    crn, _ = await crc_case(sql)
    correlation = f"ahead-{uuid.uuid4().hex}"
    async with app_client(settings, delius, oasys, crcs, tokens, BUDGET) as http:
        oasys.control(hang=True)
        asked = asyncio.ensure_future(
            http.post(
                "/graphql",
                json={"query": documents.readme_overview(), "variables": {"crn": crn}},
                headers={"X-Correlation-Id": correlation},
            )
        )
        found: list[Any] = []
        while not found and not asked.done():
            await asyncio.sleep(0.05)
            found = await rows_of(sql, correlation)
        assert not asked.done(), "the request ended before its row was found"
        assert [(row["crn"], row["outcome"]) for row in found] == [(crn, "VISIBLE")]
        oasys.control(reset=True)  # OASys answers now
        response: httpx.Response = await asked
    body = response.json()
    assert "errors" not in body
    assert body["data"]["case"]["riskOfSeriousHarm"] is not None
    assert [(row["crn"], row["outcome"]) for row in await rows_of(sql, correlation)] == [
        (crn, "VISIBLE")
    ]

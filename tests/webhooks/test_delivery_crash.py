"""``kill -9`` between storage and delivery loses no event; a resend keeps its event id.

A real server process delivers to a CRC stand-in that hangs, so an attempt is in flight
(its queue row claimed) when the process is killed. The stand-in is then released, which
may let the interrupted attempt arrive too: the partner then sees that event twice, with
the same ``webhook-id``. A new process sends everything, in order per case.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from api.settings import Settings
from sandbox.crc import CrcServers
from tests.conftest import Tokens
from tests.server_process import ServerProcess, start_server
from tests.webhooks.conftest import Feed, Stored, crcs_cases, until


async def test_sigkill_mid_delivery_loses_nothing_and_resends_with_the_same_id(
    webhook_settings: Settings, crcs: CrcServers, feed: Feed, tokens: Tokens
) -> None:
    settings = replace(
        webhook_settings,
        crc_registry=tuple(e for e in webhook_settings.crc_registry if e.provider_code == "C01"),
        webhook_timeout=30.0,
    )
    stand_in = crcs["C01"]
    stand_in.inbox.received.clear()
    stand_in.faults.apply({"hang": True})
    crns = await crcs_cases(feed.connection, "C01", 2)
    server: ServerProcess = await start_server(settings, tokens.header())
    try:
        sent: list[Stored] = []
        for step in range(3):
            for crn in crns:
                sent.append(await feed.store(crn, f"probation-case.test.k{step}", "C01"))
        await until(lambda: stand_in.faults.in_flight >= 1, "an attempt in flight")
        server.kill()
    finally:
        server.stop()
    stand_in.faults.apply({"hang": False})
    await asyncio.sleep(0.2)  # let the interrupted attempt land, if it will
    server = await start_server(settings, tokens.header())
    try:
        wanted = {s.event_id for s in sent}
        await until(
            lambda: wanted <= {i["webhookId"] for i in stand_in.inbox.received}, "all resent"
        )
    finally:
        server.stop()
    arrivals = [i for i in stand_in.inbox.received if i["webhookId"] in wanted]
    by_id: dict[str, list[object]] = {}
    for item in arrivals:
        by_id.setdefault(str(item["webhookId"]), []).append(item["envelope"])
    assert set(by_id) == wanted
    assert all(all(e == copies[0] for e in copies) for copies in by_id.values())
    assert stand_in.inbox.rejected == 0
    first_seen = [i["webhookId"] for i in arrivals if not i["duplicate"]]
    for crn in crns:
        expected = [s.event_id for s in sent if s.crn == crn]
        assert [i for i in first_seen if i in expected] == expected, crn

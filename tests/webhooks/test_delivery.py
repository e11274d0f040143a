"""Webhook delivery through real CRC stand-ins, from events stored in the feed.

Each test runs the production wiring (``api.webhooks.webhook_delivery``) over a database
of its module's own, with stand-ins that verify every signature. Nothing is timed: where
one partner must not hold up another, the test checks that the others received everything
while that partner was still failing or hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from adapters.delius import DeliusAdapter
from adapters.delius.database import Database
from adapters.delius.events_feed.feed import CaseEventFeed
from adapters.delius.webhook_queue import WebhookQueue
from api.app import create_app
from api.cli import main as casegraph
from api.settings import Settings
from api.webhooks import webhook_delivery
from resolvers.context import Backends
from sandbox.crc import CrcServers
from tests.conftest import in_process
from tests.webhooks.conftest import Feed, Stored, crcs_cases, received_ids, until


@contextlib.asynccontextmanager
async def delivering(settings: Settings, delius: DeliusAdapter) -> AsyncIterator[None]:
    """Webhook delivery as the lifespan runs it, over the feed (no capture: the tests store
    the events themselves)."""
    feed = await CaseEventFeed.open(settings.delius_dsn.value)
    try:
        async with webhook_delivery(settings, Backends(delius=delius, case_events=feed)):
            yield
    finally:
        await feed.aclose()


def first_arrivals(crcs: CrcServers, provider: str) -> list[dict[str, object]]:
    return [item for item in crcs[provider].inbox.received if not item["duplicate"]]


def per_case_order(items: list[Stored]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda s: s.position):
        order.setdefault(item.crn, []).append(item.event_id)
    return order


def arrived_per_case(crcs: CrcServers, provider: str, among: list[Stored]) -> dict[str, list[str]]:
    """The first arrival of each of ``among`` at the provider, grouped by case."""
    wanted = {s.event_id for s in among}
    order: dict[str, list[str]] = {}
    for item in first_arrivals(crcs, provider):
        if item["webhookId"] not in wanted:
            continue
        envelope = item["envelope"]
        assert isinstance(envelope, dict)
        crn = envelope["personReference"]["identifiers"][0]["value"]
        order.setdefault(crn, []).append(str(item["webhookId"]))
    return order


async def test_each_partner_receives_its_cases_events_signed_and_in_order(
    webhook_settings: Settings, webhook_delius: DeliusAdapter, crcs: CrcServers, feed: Feed
) -> None:
    mine = await crcs_cases(feed.connection, "C01", 3)
    theirs = await crcs_cases(feed.connection, "C02", 1)
    async with delivering(webhook_settings, webhook_delius):
        sent: list[Stored] = []
        for round_ in range(3):
            for crn in mine:
                sent.append(await feed.store(crn, f"probation-case.test.step{round_}", "C01"))
        other = await feed.store(theirs[0], "probation-case.registration.added", "C02")
        await until(lambda: len(first_arrivals(crcs, "C01")) >= len(sent), "C01 gets all")
        await until(lambda: other.event_id in received_ids(crcs, "C02"), "C02 gets its own")
    assert arrived_per_case(crcs, "C01", sent) == per_case_order(sent)
    assert other.event_id not in received_ids(crcs, "C01")
    assert not {s.event_id for s in sent} & set(received_ids(crcs, "C02"))
    assert crcs["C01"].inbox.rejected == 0
    stored = json.loads(
        await feed.connection.fetchval(
            "SELECT envelope::text FROM casegraph.case_event WHERE position = $1",
            sent[0].position,
        )
    )
    arrived = next(i for i in crcs["C01"].inbox.received if i["webhookId"] == sent[0].event_id)
    assert arrived["envelope"] == stored


async def test_a_failing_or_hanging_partner_holds_up_no_other_and_gets_all_later(
    webhook_settings: Settings, webhook_delius: DeliusAdapter, crcs: CrcServers, feed: Feed
) -> None:
    crcs["C02"].inbox.forced_status = 500
    crcs["C03"].faults.apply({"hang": True})
    cases = {code: await crcs_cases(feed.connection, code, 2) for code in ("C01", "C02", "C03")}
    sent: dict[str, list[Stored]] = {code: [] for code in cases}
    async with delivering(webhook_settings, webhook_delius):
        for step in range(3):
            for code, crns in cases.items():
                for crn in crns:
                    sent[code].append(await feed.store(crn, f"probation-case.test.s{step}", code))
        healthy = {s.event_id for s in sent["C01"]}
        await until(lambda: healthy <= set(received_ids(crcs, "C01")), "C01 gets all")
        # C01 got everything while C02 answered 500 and C03 hung: neither held it up.
        assert crcs["C02"].inbox.forced_status == 500
        assert crcs["C03"].faults.hang
        assert not {s.event_id for s in sent["C02"]} & set(received_ids(crcs, "C02"))
        assert crcs["C02"].faults.calls["receiveWebhook"] > 0
        crcs["C02"].inbox.forced_status = None
        crcs["C03"].faults.apply({"hang": False})
        for code in ("C02", "C03"):
            wanted = {s.event_id for s in sent[code]}
            await until(lambda c=code, w=wanted: w <= set(received_ids(crcs, c)), f"{code} all")
    for code in ("C01", "C02", "C03"):
        assert arrived_per_case(crcs, code, sent[code]) == per_case_order(sent[code]), code


def _counter(partner: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "casegraph_webhook_deliveries_total", {"partner": partner, "outcome": outcome}
    )
    return value or 0.0


async def test_moved_aside_after_the_last_attempt_listed_and_replayed(
    webhook_settings: Settings,
    webhook_delius: DeliusAdapter,
    crcs: CrcServers,
    feed: Feed,
    webhook_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = replace(webhook_settings, webhook_max_attempts=2)
    crcs["C04"].inbox.forced_status = 503
    crns = await crcs_cases(feed.connection, "C04", 2)
    dead_before = _counter("C04", "dead")
    dead = (
        "SELECT status, attempts FROM casegraph.webhook_delivery "
        "WHERE provider_code = 'C04' AND position = ANY($1::bigint[]) ORDER BY position"
    )
    async with delivering(settings, webhook_delius):
        sent = [await feed.store(crn, "probation-case.registration.added", "C04") for crn in crns]
        for _ in range(400):  # moved aside once the last attempt's transaction commits
            rows = await feed.connection.fetch(dead, [s.position for s in sent])
            if [r["status"] for r in rows] == ["dead", "dead"]:
                break
            await asyncio.sleep(0.05)
    assert _counter("C04", "dead") >= dead_before + 2
    assert [(r["status"], r["attempts"]) for r in rows] == [("dead", 2), ("dead", 2)]

    monkeypatch.setenv("CASEGRAPH_DELIUS_DSN", webhook_dsn)
    capsys.readouterr()
    assert await asyncio.to_thread(casegraph, ["deliveries", "--partner", "C04"]) == 0
    listing = capsys.readouterr().out
    assert all(s.event_id in listing for s in sent)

    crcs["C04"].inbox.forced_status = None
    first = min(s.position for s in sent)
    replay = ["deliveries", "replay", "--partner", "C04", "--from", str(first)]
    assert await asyncio.to_thread(casegraph, replay) == 0
    async with delivering(settings, webhook_delius):
        wanted = {s.event_id for s in sent}
        await until(lambda: wanted <= set(received_ids(crcs, "C04")), "replayed to C04")
        for _ in range(200):  # the 2xx is recorded in the claim's transaction, just after
            statuses = await feed.connection.fetch(
                "SELECT status FROM casegraph.webhook_delivery "
                "WHERE provider_code = 'C04' AND position = ANY($1::bigint[])",
                [s.position for s in sent],
            )
            if {r["status"] for r in statuses} == {"delivered"}:
                break
            await asyncio.sleep(0.05)
    assert {r["status"] for r in statuses} == {"delivered"}


def test_a_replay_from_a_bad_cursor_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        casegraph(["deliveries", "replay", "--partner", "C01", "--from", "abc"])
    assert "feed position" in capsys.readouterr().err


async def test_an_event_removed_by_retention_is_moved_aside_then_forgotten(
    webhook_settings: Settings, webhook_delius: DeliusAdapter, crcs: CrcServers, feed: Feed
) -> None:
    crcs["C03"].inbox.forced_status = 503
    (crn,) = await crcs_cases(feed.connection, "C03", 1)
    db = feed.connection
    status = (
        "SELECT status, last_error FROM casegraph.webhook_delivery "
        "WHERE provider_code = 'C03' AND position = $1"
    )
    async with delivering(webhook_settings, webhook_delius):
        gone = await feed.store(crn, "probation-case.registration.added", "C03")
        for _ in range(400):
            if (row := await db.fetchrow(status, gone.position)) and row["last_error"]:
                break
            await asyncio.sleep(0.05)
        await db.execute("DELETE FROM casegraph.case_event WHERE position = $1", gone.position)
        crcs["C03"].inbox.forced_status = None
        for _ in range(400):
            row = await db.fetchrow(status, gone.position)
            if row is not None and row["status"] != "pending":
                break
            await asyncio.sleep(0.05)
    assert row is not None
    assert (row["status"], row["last_error"]) == (
        "dead",
        "the event is no longer stored (retention)",
    )
    assert gone.event_id not in received_ids(crcs, "C03")
    database = await Database.connect(webhook_settings.delius_dsn.value)
    try:
        await WebhookQueue(database).prune("C03")
    finally:
        await database.close()
    assert await db.fetchrow(status, gone.position) is None


async def test_two_deliverers_share_a_partner_without_duplicates_or_reordering(
    webhook_settings: Settings, crcs: CrcServers, feed: Feed
) -> None:
    settings = replace(webhook_settings, webhook_timeout=10.0)
    crns = await crcs_cases(feed.connection, "C01", 4)
    dsn = settings.delius_dsn.value
    attempts = (
        "SELECT event_id::text AS id, status, attempts FROM casegraph.webhook_delivery "
        "WHERE provider_code = 'C01' AND position = ANY($1::bigint[])"
    )
    first, second = await DeliusAdapter.connect(dsn), await DeliusAdapter.connect(dsn)
    try:
        async with delivering(settings, first), delivering(settings, second):
            sent = [
                await feed.store(crn, f"probation-case.test.shared{step}", "C01")
                for step in range(5)
                for crn in crns
            ]
            positions = [s.position for s in sent]
            for _ in range(600):  # until every outcome is committed
                rows = await feed.connection.fetch(attempts, positions)
                if len(rows) == len(sent) and {r["status"] for r in rows} == {"delivered"}:
                    break
                await asyncio.sleep(0.05)
    finally:
        await first.aclose()
        await second.aclose()
    assert {r["status"] for r in rows} == {"delivered"}
    arrivals = Counter(str(i["webhookId"]) for i in crcs["C01"].inbox.received)
    # The row locks shared the work: no event arrived more often than it was attempted
    # (a second arrival needs a second attempt, which only a failed first one makes).
    assert all(arrivals[r["id"]] == 1 or arrivals[r["id"]] <= r["attempts"] for r in rows)
    assert sum(arrivals[s.event_id] for s in sent) <= sum(r["attempts"] for r in rows)
    assert arrived_per_case(crcs, "C01", sent) == per_case_order(sent)


async def test_delivery_metrics_are_exposed_to_prometheus(
    settings: Settings, delius: DeliusAdapter
) -> None:
    app = create_app(settings, backends=Backends(delius=delius))
    async with in_process(app) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert "# TYPE casegraph_webhook_deliveries_total counter" in response.text
    assert "# TYPE casegraph_webhook_delivery_latency_seconds histogram" in response.text

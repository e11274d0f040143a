"""U2 under a crash: ``kill -9`` of a loaded server loses no audit row of an answered request.

A real uvicorn process serves the session's seeded nDelius, configured through
``CASEGRAPH_*`` variables. Several clients read known CRNs, each request with its own
``X-Correlation-Id``; mid-load the server is killed with SIGKILL and the clients carry on
for a moment against the dead port. Then, in the audit table:

- every request answered 200 with case data has one row per CRN it asked for;
- no request whose connection was refused (it never reached the server) has a row;
- requests cut off by the kill may have their rows or not, but never twice.

Finally a new server starts over the same database and serves (and audits) again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.settings import Settings
from tests.conftest import Tokens
from tests.server_process import ServerProcess, start_server

CLIENTS = 8
SECONDS_BEFORE_KILL = 4.0
SECONDS_AFTER_KILL = 1.5
MAX_REQUESTS_PER_CLIENT = 2000
REQUEST_TIMEOUT = 5.0
DOCUMENT = (
    "query CrashRead($crns: [ID!]!) { cases(crns: $crns) { crn name { surname } "
    "manager { staff { code } } events { number sentence { date } } "
    "registrations { type { code } } contacts(first: 10) { totalCount } } }"
)


@dataclass
class Sent:
    """One request and what became of it."""

    correlation_id: str
    crns: tuple[str, ...]
    outcome: str = "pending"
    """answered (200 with case data), refused (never connected), cut (sent, no answer)."""
    returned: tuple[str, ...] = ()


@dataclass
class Load:
    """Every request sent, and how many were in flight when the server was killed."""

    sent: list[Sent] = field(default_factory=list)
    in_flight: int = 0
    in_flight_at_kill: int = -1

    def of(self, outcome: str) -> list[Sent]:
        return [s for s in self.sent if s.outcome == outcome]


async def read_cases(
    http: httpx.AsyncClient, load: Load, crns: tuple[str, ...], prefix: str
) -> Sent:
    """One audited read; classifies what happened to it."""
    sent = Sent(f"{prefix}-{uuid.uuid4().hex}", crns)
    load.sent.append(sent)
    load.in_flight += 1
    try:
        response = await http.post(
            "/graphql",
            json={"query": DOCUMENT, "variables": {"crns": list(crns)}},
            headers={"X-Correlation-Id": sent.correlation_id},
        )
    except httpx.ConnectError:
        sent.outcome = "refused"
        return sent
    except httpx.TransportError:
        sent.outcome = "cut"
        return sent
    finally:
        load.in_flight -= 1
    cases = (
        (response.json().get("data") or {}).get("cases") if response.status_code == 200 else None
    )
    sent.returned = tuple(c["crn"] for c in cases or [] if c is not None)
    sent.outcome = "answered" if sent.returned else f"status {response.status_code} without cases"
    return sent


async def client(
    server: ServerProcess, headers: dict[str, str], crns: list[str], load: Load, until: float
) -> None:
    """One client reading batches of CRNs until the deadline (and a request cap)."""
    rng = random.Random(len(load.sent))
    async with httpx.AsyncClient(
        base_url=server.base_url, headers=headers, timeout=REQUEST_TIMEOUT
    ) as http:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= until:
                return
            sent = await read_cases(http, load, tuple(rng.sample(crns, 8)), "crash")
            if sent.outcome != "answered":
                await asyncio.sleep(0.02)  # the server is gone: do not spin


async def test_a_killed_server_loses_no_audit_row_of_an_answered_request(
    settings: Settings, tokens: Tokens, sql: Any
) -> None:
    rows = await sql.fetch(
        """(SELECT btrim(crn) AS crn, 'VISIBLE' AS expected FROM offender
            WHERE soft_deleted = 0 AND current_exclusion = 0 AND current_restriction = 0
            ORDER BY crn LIMIT 50)
           UNION ALL
           (SELECT btrim(crn), 'LIMITED_ACCESS' FROM offender
            WHERE soft_deleted = 0 AND current_restriction = 1 ORDER BY crn LIMIT 10)"""
    )
    expected = {row["crn"]: row["expected"] for row in rows}
    crns = sorted(expected)
    assert "LIMITED_ACCESS" in expected.values()
    headers = tokens.header(username="crash-reader", client_id="crash-ui", lifetime=600)
    production = dataclasses.replace(settings, graphiql=False, introspection=False, oasys_url="")
    load = Load()
    server = await start_server(production, headers)
    try:
        started = time.monotonic()
        stop_at = started + SECONDS_BEFORE_KILL + SECONDS_AFTER_KILL
        clients = [
            asyncio.create_task(client(server, headers, crns, load, stop_at))
            for _ in range(CLIENTS)
        ]
        await asyncio.sleep(SECONDS_BEFORE_KILL)
        load.in_flight_at_kill = load.in_flight
        server.kill()
        await asyncio.wait_for(asyncio.gather(*clients), SECONDS_AFTER_KILL + 2 * REQUEST_TIMEOUT)
    finally:
        server.stop()

    tally = Counter(s.outcome for s in load.sent)
    assert load.in_flight_at_kill >= 1, tally  # the kill landed mid-load
    assert len(load.of("answered")) >= 20, tally
    assert load.of("refused"), tally  # clients did try the dead server
    assert set(tally) <= {"answered", "refused", "cut"}, tally

    audited = await sql.fetch(
        "SELECT correlation_id, crn, outcome FROM casegraph.audit_event "
        "WHERE correlation_id = ANY($1)",
        [s.correlation_id for s in load.sent],
    )
    per_request: dict[str, Counter[str]] = {}
    for row in audited:
        per_request.setdefault(row["correlation_id"], Counter())[row["crn"]] += 1
    outcomes = {(row["correlation_id"], row["crn"]): row["outcome"] for row in audited}
    for sent in load.of("answered"):
        rows_of = per_request.get(sent.correlation_id, Counter())
        assert set(rows_of) == set(sent.crns), (sent, rows_of)
        assert all(outcomes[(sent.correlation_id, c)] == expected[c] for c in sent.returned)
    for sent in load.of("refused"):
        assert sent.correlation_id not in per_request, sent
    for sent in load.of("cut"):  # one statement writes a request's rows: all or none
        assert set(per_request.get(sent.correlation_id, sent.crns)) == set(sent.crns), sent
    assert all(count == 1 for rows_of in per_request.values() for count in rows_of.values())

    again = await start_server(production, headers)
    try:
        async with httpx.AsyncClient(
            base_url=again.base_url, headers=headers, timeout=REQUEST_TIMEOUT
        ) as http:
            after = await read_cases(http, Load(), tuple(crns[:3]), "crash-restart")
    finally:
        again.stop()
    assert after.outcome == "answered"
    assert after.returned == tuple(crns[:3])
    restarted = await sql.fetch(
        "SELECT crn FROM casegraph.audit_event WHERE correlation_id = $1", after.correlation_id
    )
    assert sorted(row["crn"] for row in restarted) == sorted(crns[:3])

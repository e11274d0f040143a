"""U1, U2: one durable audit row per (request, CRN) touched, or no data at all."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from typing import Any

import asyncpg
import httpx

from adapters.delius import DeliusAdapter, PoolOptions
from api.app import create_app
from resolvers.context import Backends
from resolvers.viewer import Role
from tests.conftest import Tokens, in_process


async def crns(sql: Any, condition: str, limit: int) -> list[str]:
    rows = await sql.fetch(
        f"SELECT crn FROM offender WHERE soft_deleted = 0 AND {condition} ORDER BY crn LIMIT $1",
        limit,
    )
    return [row[0].strip() for row in rows]


async def test_every_request_writes_one_row_per_crn_it_touched(
    client: httpx.AsyncClient, tokens: Tokens, sql: Any
) -> None:
    plain = await crns(sql, "current_exclusion = 0 AND current_restriction = 0", 60)
    limited = await crns(sql, "current_restriction = 1", 10)
    unknown = [f"Z{n:06d}" for n in range(10)]
    assert len(plain) == 60
    assert limited
    touched = [*plain, *limited, *unknown]  # 80 distinct CRNs
    requests: dict[str, set[str]] = {}
    for n in range(50):
        batch = [touched[(n * 7 + i) % len(touched)] for i in range(5)]
        correlation = f"audit-test-{uuid.uuid4().hex}"
        document = (
            "query Look($crns: [ID!]!, $one: ID!) { cases(crns: $crns) { crn } "
            "again: case(crn: $one) { crn name { surname } } }"
        )
        await client.post(
            "/graphql",
            json={"query": document, "variables": {"crns": batch, "one": batch[0]}},
            headers={
                "X-Correlation-Id": correlation,
                **tokens.header(username="auditor7", client_id="audit-ui"),
            },
        )
        requests[correlation] = set(batch)
    rows = await sql.fetch(
        "SELECT * FROM casegraph.audit_event WHERE correlation_id LIKE 'audit-test-%'"
    )
    got = Counter((row["correlation_id"], row["crn"]) for row in rows)
    expected = {(cid, crn) for cid, batch in requests.items() for crn in batch}
    assert set(got) == expected
    assert all(count == 1 for count in got.values())
    outcomes = {row["crn"]: row["outcome"] for row in rows}
    assert {outcomes[c] for c in plain if c in outcomes} == {"VISIBLE"}
    assert {outcomes[c] for c in limited if c in outcomes} == {"LIMITED_ACCESS"}
    assert {outcomes[c] for c in unknown if c in outcomes} == {"NOT_FOUND"}
    for row in rows:
        assert row["username"] == "auditor7"
        assert row["client_id"] == "audit-ui"
        assert row["operation_name"] == "Look"
        assert row["document_hash"].startswith("sha256:")
        assert row["occurred_at"].utcoffset().total_seconds() == 0


async def test_a_partner_look_outside_its_scope_is_audited_too(
    client: httpx.AsyncClient, tokens: Tokens, sql: Any
) -> None:
    foreign = await sql.fetchval(
        """SELECT o.crn FROM offender o JOIN offender_manager om ON om.offender_id = o.offender_id
           AND om.active_flag = 1 AND om.soft_deleted = 0
           JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
           WHERE o.soft_deleted = 0 AND pa.code = 'N07' LIMIT 1"""
    )
    correlation = f"scope-{uuid.uuid4().hex}"
    await client.post(
        "/graphql",
        json={"query": "query($c: ID!) { case(crn: $c) { crn } }", "variables": {"c": foreign}},
        headers={
            "X-Correlation-Id": correlation,
            **tokens.header(roles=(Role.PARTNER,), provider="C01", client_id="crc-c01"),
        },
    )
    row = await sql.fetchrow(
        "SELECT * FROM casegraph.audit_event WHERE correlation_id = $1", correlation
    )
    assert (row["crn"], row["outcome"], row["provider"]) == (foreign.strip(), "OUT_OF_SCOPE", "C01")


async def test_no_case_data_leaves_when_the_audit_store_is_down(
    settings: Any, tokens: Tokens, sql: Any, dsn: str
) -> None:
    crn = (await crns(sql, "current_exclusion = 0 AND current_restriction = 0", 1))[0]
    delius = await DeliusAdapter.connect(dsn, PoolOptions(statement_timeout=0.3))
    locker = await asyncpg.connect(dsn)
    try:
        app = create_app(replace(settings), backends=Backends(delius=delius))
        async with (
            in_process(app, tokens.header()) as http,
            locker.transaction(),
        ):
            await locker.execute("LOCK TABLE casegraph.audit_event IN ACCESS EXCLUSIVE MODE")
            down = await http.post(
                "/graphql",
                json={
                    "query": "query($c: ID!) { case(crn: $c) { crn name { surname } } }",
                    "variables": {"c": crn},
                },
            )
        assert down.status_code == 200
        assert down.json()["data"] is None
        assert [e["extensions"]["code"] for e in down.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
        assert crn not in down.text
    finally:
        await locker.close()
        await delius.aclose()

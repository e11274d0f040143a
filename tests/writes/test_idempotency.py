"""W1: exactly once. Retries, concurrent duplicates and reused keys."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.conftest import GraphQL, Tokens
from tests.writes.conftest import NOTE, WRITER_ROLES, Case, new_key


def note(case: Case, key: str, text: str, reference: str | None = None) -> dict[str, Any]:
    return {"crn": case.crn, "typeCode": "CTOB", "notes": text, "idempotencyKey": key,
            "externalReference": reference}  # fmt: skip


async def test_fifty_concurrent_identical_writes_make_one_row(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    reference = f"urn:test:w1:{uuid.uuid4()}"
    sent = note(staff_cases[6], new_key(), "Called about the course.", reference)
    bodies = await asyncio.gather(*(wgql(NOTE, headers=writer, input=sent) for _ in range(50)))
    results = [b["data"]["addCaseNote"] for b in bodies]
    assert all(r["problems"] == [] for r in results)
    assert len({r["contact"]["id"] for r in results}) == 1
    assert sorted(r["replayed"] for r in results) == [False] + [True] * 49
    rows = await sql.fetchval(
        "SELECT count(*) FROM contact WHERE external_reference = $1", reference
    )
    assert rows == 1
    claims = await sql.fetchval(
        "SELECT count(*) FROM casegraph.idempotency WHERE idempotency_key = $1",
        sent["idempotencyKey"],
    )
    assert claims == 1


async def test_a_retry_replays_the_first_result(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case]
) -> None:
    sent = note(staff_cases[7], new_key(), "First call.")
    first = (await wgql(NOTE, headers=writer, input=sent))["data"]["addCaseNote"]
    again = (await wgql(NOTE, headers=writer, input=sent))["data"]["addCaseNote"]
    assert first["replayed"] is False
    assert again["replayed"] is True
    assert again["contact"] == first["contact"]


async def test_the_same_key_with_another_input_is_refused(
    wgql: GraphQL, writer: dict[str, str], staff_cases: list[Case], sql: Any
) -> None:
    key = new_key()
    first = await wgql(NOTE, headers=writer, input=note(staff_cases[7], key, "One text."))
    other = await wgql(NOTE, headers=writer, input=note(staff_cases[7], key, "Another text."))
    assert first["data"]["addCaseNote"]["problems"] == []
    result = other["data"]["addCaseNote"]
    assert result["contact"] is None
    assert result["problems"] == [
        {
            "field": "idempotencyKey",
            "code": "IDEMPOTENCY_KEY_REUSED",
            "message": "this key was used before with a different input",
        }
    ]
    texts = await sql.fetchval(
        "SELECT count(*) FROM contact WHERE offender_id = $1 AND notes = 'Another text.'",
        staff_cases[7].offender_id,
    )
    assert texts == 0


async def test_keys_belong_to_their_caller(
    wgql: GraphQL, tokens: Tokens, staff_cases: list[Case], sql: Any
) -> None:
    logins = [
        r[0]
        for r in await sql.fetch(
            "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL AND end_date IS NULL "
            "ORDER BY user_id LIMIT 2"
        )
    ]
    key, sent = new_key(), note(staff_cases[8], "", "Same words.")
    ids = []
    for login in logins:
        headers = tokens.header(roles=WRITER_ROLES, username=login)
        body = await wgql(NOTE, headers=headers, input={**sent, "idempotencyKey": key})
        result = body["data"]["addCaseNote"]
        assert result["replayed"] is False
        ids.append(result["contact"]["id"])
    assert ids[0] != ids[1]

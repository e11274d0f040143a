"""The live subscription through a real server and a real websocket client, speaking
graphql-transport-ws: changes written by plain SQL arrive; bad requests get reasons."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from api.settings import Secret, Settings
from sandbox.activity import add_registration, book_appointment, find_case
from tests.conftest import Tokens
from tests.server_process import ServerProcess, start_server

PROTOCOL = "graphql-transport-ws"
WAIT_SECONDS = 20.0
SUBSCRIBE = """
subscription($after: String, $types: [String!], $crns: [ID!]) {
  caseEvents(after: $after, types: $types, crns: $crns) {
    cursor node { eventId eventType crn }
  }
}
"""


@pytest.fixture(scope="module")
async def live(settings: Settings, events_dsn: str, tokens: Tokens) -> AsyncIterator[ServerProcess]:
    """Case Graph serving the case-event database, its capture running."""
    server_settings = replace(
        settings,
        delius_dsn=Secret(events_dsn),
        oasys_url="",
        max_subscriptions_per_connection=2,
        max_subscriptions_per_caller=3,
    )
    server = await start_server(server_settings, tokens.header())
    yield server
    server.stop()


def ws_url(server: ServerProcess) -> str:
    return server.base_url.replace("http://", "ws://") + "/graphql"


async def open_socket(server: ServerProcess, token: str | None) -> ClientConnection:
    """A websocket that has sent connection_init (with the token, if any)."""
    socket = await connect(ws_url(server), subprotocols=[PROTOCOL])  # type: ignore[list-item]
    payload = {"Authorization": f"Bearer {token}"} if token is not None else {}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket


async def acknowledged(server: ServerProcess, token: str) -> ClientConnection:
    socket = await open_socket(server, token)
    assert (
        json.loads(await asyncio.wait_for(socket.recv(), WAIT_SECONDS))["type"] == "connection_ack"
    )
    return socket


async def subscribe(socket: ClientConnection, op: str, **variables: Any) -> None:
    message = {
        "id": op,
        "type": "subscribe",
        "payload": {"query": SUBSCRIBE, "variables": variables},
    }
    await socket.send(json.dumps(message))


async def receive(socket: ClientConnection) -> dict[str, Any]:
    frame = await asyncio.wait_for(socket.recv(), WAIT_SECONDS)
    assert isinstance(frame, str), frame  # text frames: browsers' clients read no others
    message: dict[str, Any] = json.loads(frame)
    return message


async def test_changes_written_by_sql_arrive_live_in_order(
    live: ServerProcess, ndelius: asyncpg.Connection, tokens: Tokens
) -> None:
    offender_id, crn = await find_case(ndelius, "C01", 5)
    socket = await acknowledged(live, tokens.mint())
    try:
        await subscribe(socket, "1", crns=[crn])
        await asyncio.sleep(0.5)  # the subscription starts from now
        await add_registration(ndelius, offender_id)
        await book_appointment(ndelius, offender_id)
        got = [await receive(socket) for _ in range(3)]
    finally:
        await socket.close()
    assert [m["type"] for m in got] == ["next"] * 3
    nodes = [m["payload"]["data"]["caseEvents"]["node"] for m in got]
    assert [(n["crn"], n["eventType"]) for n in nodes] == [
        (crn, "probation-case.case-note.added"),
        (crn, "probation-case.registration.added"),
        (crn, "probation-case.appointment.booked"),
    ]


async def test_a_subscription_resumes_after_its_cursor(
    live: ServerProcess, ndelius: asyncpg.Connection, tokens: Tokens
) -> None:
    offender_id, crn = await find_case(ndelius, "C02", 6)
    socket = await acknowledged(
        live, tokens.mint(roles=("ROLE_CASEGRAPH_PARTNER",), provider="C02")
    )
    try:
        await subscribe(socket, "a", crns=[crn], types=["probation-case.appointment.booked"])
        await asyncio.sleep(0.5)
        for _ in range(3):
            await book_appointment(ndelius, offender_id)
        first = [await receive(socket) for _ in range(3)]
        await socket.send(json.dumps({"id": "a", "type": "complete"}))
        edges = [m["payload"]["data"]["caseEvents"] for m in first]
        await subscribe(socket, "b", crns=[crn], after=edges[0]["cursor"])
        again = [await receive(socket) for _ in range(2)]
    finally:
        await socket.close()
    resumed = [m["payload"]["data"]["caseEvents"]["node"]["eventId"] for m in again]
    assert resumed == [e["node"]["eventId"] for e in edges[1:]]


@pytest.mark.parametrize("token", ["none", "expired", "garbage"])
async def test_connection_init_without_a_valid_token_is_closed_with_a_reason(
    live: ServerProcess, tokens: Tokens, token: str
) -> None:
    given = {"none": None, "expired": tokens.mint(lifetime=-60), "garbage": "not.a.jwt"}[token]
    socket = await open_socket(live, given)
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), WAIT_SECONDS)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_subscribing_before_connection_init_is_closed_unauthorised(
    live: ServerProcess,
) -> None:
    socket = await connect(ws_url(live), subprotocols=[PROTOCOL])  # type: ignore[list-item]
    await subscribe(socket, "1")
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.recv(), WAIT_SECONDS)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_bad_input_and_too_many_subscriptions_get_coded_errors(
    live: ServerProcess, tokens: Tokens
) -> None:
    token = tokens.mint(client_id="busy-client")
    socket = await acknowledged(live, token)
    other = await acknowledged(live, token)
    try:
        await subscribe(socket, "bad-cursor", after="nonsense")
        await subscribe(socket, "bad-type", types=["no.such.type"])
        assert _codes(await answer(socket)) == ["BAD_USER_INPUT"]
        assert _codes(await answer(socket)) == ["BAD_USER_INPUT"]
        await subscribe(socket, "1")
        await subscribe(socket, "2")
        await subscribe(socket, "3")  # a third on one connection: over the cap of 2
        refused = await answer(socket)  # whichever of the three started last
        assert refused["id"] in {"1", "2", "3"}
        assert _codes(refused) == ["TOO_MANY_SUBSCRIPTIONS"]
        await subscribe(other, "4")  # the caller's third: allowed
        await subscribe(other, "5")  # the caller's fourth, on another connection: over 3
        refused = await answer(other)
        assert refused["id"] in {"4", "5"}
        assert _codes(refused) == ["TOO_MANY_SUBSCRIPTIONS"]
        await socket.send(json.dumps({"type": "ping"}))
        assert (await answer(socket))["type"] == "pong"  # the connection stays up
    finally:
        await socket.close()
        await other.close()


async def answer(socket: ClientConnection) -> dict[str, Any]:
    """The next result or error message (a ``complete`` after an error is skipped)."""
    while (message := await receive(socket))["type"] == "complete":
        pass
    return message


def _codes(message: dict[str, Any]) -> list[str]:
    if message["type"] == "error":
        errors = message["payload"]
    else:
        assert message["type"] == "next", message
        errors = message["payload"]["errors"]
    return [error["extensions"]["code"] for error in errors]


async def test_a_limited_case_never_reaches_a_subscriber_who_may_not_read_it(
    live: ServerProcess, ndelius: asyncpg.Connection, tokens: Tokens
) -> None:
    restricted = await ndelius.fetchrow(
        "SELECT o.offender_id, o.crn FROM offender o WHERE o.current_restriction = 1"
        " AND o.soft_deleted = 0 AND EXISTS (SELECT 1 FROM contact c JOIN r_contact_type t"
        " USING (contact_type_id) WHERE c.offender_id = o.offender_id"
        " AND t.attendance_contact = 'Y') ORDER BY o.offender_id DESC LIMIT 1"
    )
    assert restricted is not None
    open_id, open_crn = await find_case(ndelius, None, 40)
    socket = await acknowledged(live, tokens.mint())  # a reader with no username
    try:
        await subscribe(socket, "1", crns=[restricted["crn"], open_crn])
        await asyncio.sleep(0.5)
        await book_appointment(ndelius, restricted["offender_id"])  # stored first
        await book_appointment(ndelius, open_id)
        first = await receive(socket)
    finally:
        await socket.close()
    assert first["payload"]["data"]["caseEvents"]["node"]["crn"] == open_crn
    assert restricted["crn"] not in json.dumps(first)


async def test_the_capture_lag_is_exposed_to_prometheus(live: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=live.base_url, timeout=10) as http:
        text = (await http.get("/metrics")).text
    [line] = [
        x for x in text.splitlines() if x.startswith("casegraph_case_event_capture_lag_seconds ")
    ]
    assert float(line.split()[1]) >= 0.0


async def test_a_connection_is_closed_with_a_reason_when_its_token_expires(
    live: ServerProcess, tokens: Tokens
) -> None:
    socket = await acknowledged(live, tokens.mint(lifetime=3))
    await subscribe(socket, "1")
    with pytest.raises(ConnectionClosed) as closed:  # nothing is written meanwhile
        await receive(socket)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "Token expired")

"""The demo's link in Chromium: signed in with no token in the address, and a complete case.

The link carries a single-use sign-in code; the page exchanges it for the token, removes it
from the address, and the overview it opens on answers from nDelius, OASys and a CRC.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.sync_api import Page, Request, WebSocket
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from api.local_demo import DemoState
from sandbox.activity import book_appointment, find_case
from tests.demo.running import RunningDemo, casegraph, ready_demo


@pytest.fixture(scope="module")
def demo_and_state(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningDemo, DemoState]]:
    with ready_demo(tmp_path_factory.mktemp("browser-demo")) as started:
        yield started


@pytest.fixture(scope="module")
def demo(demo_and_state: tuple[RunningDemo, DemoState]) -> RunningDemo:
    return demo_and_state[0]


HEADERS_HOLD_A_TOKEN = (
    "() => [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]"
    ".some(e => e.CodeMirror.getValue().includes('Bearer ey'))"
)


def _sign_in_link(demo: RunningDemo) -> str:
    found = re.search(r"Sign in:\s+(\S+)", demo.text())
    assert found is not None
    return found.group(1)


def _editor_text(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => e.CodeMirror.getValue()"))


def test_the_demo_link_signs_in_without_a_token_in_the_address(
    demo: RunningDemo, page: Page
) -> None:
    link = _sign_in_link(demo)
    assert "Bearer" not in link
    assert "headers=" not in link
    code = re.search(r"signin=([^&]+)", link).group(1)  # type: ignore[union-attr]
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request))

    page.goto(link)
    page.wait_for_function("() => !window.location.search.includes('signin')")
    page.get_by_text("Headers", exact=True).click()
    page.wait_for_function(HEADERS_HOLD_A_TOKEN)
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        "() => document.querySelector('.result-window .CodeMirror')"
        ".CodeMirror.getValue().includes('\"crn\"')"
    )
    answer: dict[str, Any] = json.loads(_editor_text(page, ".result-window .CodeMirror"))

    assert "errors" not in answer, answer.get("errors")
    case = answer["data"]["case"]
    assert case["manager"] is not None
    assert case["riskOfSeriousHarm"] is not None, "OASys answers for the first case"
    assert case["predictorScores"]["rsr"] is not None
    assert case["partner"] is not None, "a CRC holds the first case"
    assert case["partner"]["appointments"], "and has appointments for it"

    assert "signin" not in page.url
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter(k => localStorage[k].includes('eyJ'))"
    )
    assert stored == [], "the token is kept in the tab's sessionStorage, never on disk"
    page.reload()
    page.get_by_text("Headers", exact=True).click()
    page.wait_for_function(HEADERS_HOLD_A_TOKEN)  # a reload in the same tab keeps it
    assert seen
    for request in seen:
        assert "eyJ" not in request.url, "no token (a JWT) in any address"
        assert code not in (request.headers.get("referer") or ""), "nor the code in a Referer"


def test_the_sign_in_code_works_once(demo: RunningDemo, page: Page) -> None:
    link = _sign_in_link(demo)
    code = re.search(r"signin=([^&]+)", link).group(1)  # type: ignore[union-attr]
    base = link.split("/graphql", 1)[0]
    again = httpx.post(f"{base}/graphiql/sign-in", json={"code": code}, timeout=10)
    assert again.status_code == 403
    assert "token" not in again.json()
    page.goto(link)
    hint = page.locator("#casegraph-hint")
    hint.wait_for(state="visible")
    assert "used already" in hint.inner_text()


SUBSCRIPTION = "subscription Live { caseEvents { node { eventType crn } } }"


def _booked_by_sql(dsn: str) -> str:
    """Book an appointment from a thread of its own: Playwright's sync API holds this
    thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _book_an_appointment(dsn)).result(timeout=60)


async def _book_an_appointment(dsn: str) -> str:
    """An appointment booked on a case by plain SQL, as nDelius would; the case's CRN."""
    connection = await asyncpg.connect(dsn)
    try:
        offender_id, crn = await find_case(connection)
        await book_appointment(connection, offender_id)
    finally:
        await connection.close()
    return crn


def test_graphiql_runs_the_case_events_subscription_live(
    demo_and_state: tuple[RunningDemo, DemoState], page: Page
) -> None:
    running, state = demo_and_state
    minted = casegraph(running.folder, "token", "--user", "jbloggs")
    assert minted.returncode == 0, minted.stderr
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(f"http://127.0.0.1:{state.api_port}/graphql")
    page.get_by_text("Headers", exact=True).click()
    _set_editor(
        page,
        ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror",
        json.dumps({"Authorization": f"Bearer {minted.stdout.strip()}"}),
    )
    _set_editor(page, ".graphiql-query-editor .CodeMirror", SUBSCRIPTION)
    # GraphiQL takes an edit in after a short debounce (the page then writes it to the URL).
    page.wait_for_function("() => (new URLSearchParams(location.search).get('q') || '')"
                           ".startsWith('subscription')")  # fmt: skip
    page.locator(".graphiql-execute-button").click()
    # A subscription starts at the newest event when the server takes it, so a change made
    # before then is not shown: book appointments until one arrives (each is a new event).
    arrived = None
    for _attempt in range(10):
        crn = _booked_by_sql(state.dsn)
        try:
            page.wait_for_function(
                "crn => document.querySelector('.result-window .CodeMirror')"
                ".CodeMirror.getValue().includes(crn)",
                arg=crn,
                timeout=6_000,
            )
        except PlaywrightTimeout:
            continue
        arrived = crn
        break
    assert arrived is not None, _editor_text(page, ".result-window .CodeMirror")
    shown = json.loads(_editor_text(page, ".result-window .CodeMirror"))
    assert shown["data"]["caseEvents"]["node"]["eventType"] == "probation-case.appointment.booked"
    assert [socket.url for socket in sockets] == [f"ws://127.0.0.1:{state.api_port}/graphql"]


def _set_editor(page: Page, selector: str, value: str) -> None:
    page.locator(selector).first.evaluate("(e, value) => e.CodeMirror.setValue(value)", value)

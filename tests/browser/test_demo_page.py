"""The demo's link in Chromium: signed in with no token in the address, and a complete case.

The link carries a single-use sign-in code; the page exchanges it for the token, removes it
from the address, and the overview it opens on answers from nDelius, OASys and a CRC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Request

from tests.demo.running import RunningDemo, ready_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    with ready_demo(tmp_path_factory.mktemp("browser-demo")) as (running, _):
        yield running


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

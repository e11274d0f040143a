"""``GET /graphql`` in Chromium, without any link: a Case Graph page that says how to sign in.

The page is titled "Case Graph", opens on a Case Graph example with a headers template,
loads nothing from outside Case Graph, and on the 401 its schema request gets (no token
yet) tells the user where a token comes from.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from api.settings import Settings
from tests.conftest import Tokens
from tests.server_process import ServerProcess, start_server


@pytest.fixture(scope="module")
def server(settings: Settings, tokens: Tokens) -> Iterator[ServerProcess]:
    graphiql = dataclasses.replace(settings, graphiql=True, introspection=True)
    running = asyncio.run(start_server(graphiql, tokens.header()))
    try:
        yield running
    finally:
        running.stop()


def _editor_text(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => e.CodeMirror.getValue()"))


def test_the_page_is_case_graphs_with_an_example_and_a_headers_template(
    server: ServerProcess, page: Page
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server.base_url}/graphql")
    expect(page).to_have_title("Case Graph")
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    assert "query CaseOverview($crn: ID!)" in _editor_text(
        page, ".graphiql-query-editor .CodeMirror"
    )
    page.get_by_text("Headers", exact=True).click()
    headers = _editor_text(page, ".graphiql-editor-tool .CodeMirror:visible")
    assert '"Authorization": "Bearer <token>"' in headers
    assert "Welcome to GraphiQL" not in page.content()
    assert all(url.startswith(server.base_url) for url in requested), requested


def test_a_401_says_where_a_token_comes_from(server: ServerProcess, page: Page) -> None:
    page.goto(f"{server.base_url}/graphql")
    hint = page.locator("#casegraph-hint")
    expect(hint).to_be_visible()  # the schema request went out with the template: 401
    expect(hint).to_contain_text("casegraph token --user NAME")
    expect(hint).to_contain_text('{"Authorization": "Bearer <token>"}')

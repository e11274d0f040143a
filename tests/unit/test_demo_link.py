"""The demo's GraphiQL link decodes, the way GraphiQL decodes it, to the query and a
single-use sign-in code; it never carries the token."""

from __future__ import annotations

import json
import re
import urllib.parse

from sandbox.demo import OVERVIEW, _banner
from sandbox.showcase import Showcase


def _link_parameters() -> tuple[str, dict[str, str]]:
    examples = Showcase("X000001", None, "X000002", None, "N07A001", "jsmith")
    banner = _banner(8000, examples, "X000003", "one-time-code")
    link = re.search(r"Sign in:\s+(\S+)", banner).group(1)  # type: ignore[union-attr]
    query = urllib.parse.urlsplit(link).query
    # GraphiQL splits on "&" and "=", then applies decodeURIComponent (no "+" as space).
    return banner, {
        urllib.parse.unquote(k): urllib.parse.unquote(v)
        for k, v in (pair.split("=", 1) for pair in query.split("&"))
    }


def test_the_link_survives_decode_uri_component() -> None:
    _, parameters = _link_parameters()
    assert parameters["q"] == OVERVIEW
    assert json.loads(parameters["variables"]) == {"crn": "X000003"}
    assert parameters["signin"] == "one-time-code"


def test_the_link_carries_no_token() -> None:
    banner, parameters = _link_parameters()
    assert "headers" not in parameters
    assert "Bearer" not in banner.replace("Bearer <token>", "")


def test_the_overview_asks_for_no_field_null_by_definition() -> None:
    assert "rsr { oneYear" not in OVERVIEW

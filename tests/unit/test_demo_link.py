"""The demo's GraphiQL link decodes, the way GraphiQL decodes it, to the query and token."""

from __future__ import annotations

import json
import re
import urllib.parse

from sandbox.demo import OVERVIEW, _banner
from sandbox.showcase import Showcase


def test_the_link_survives_decode_uri_component() -> None:
    examples = Showcase("X000001", None, None, None, "N07A001", "jsmith")
    link = re.search(r"Try this:\s+(\S+)", _banner(8000, examples, "a.b.c")).group(1)  # type: ignore[union-attr]
    query = urllib.parse.urlsplit(link).query
    # GraphiQL splits on "&" and "=", then applies decodeURIComponent (no "+" as space).
    parameters = {
        urllib.parse.unquote(k): urllib.parse.unquote(v)
        for k, v in (pair.split("=", 1) for pair in query.split("&"))
    }
    assert parameters["q"] == OVERVIEW
    assert json.loads(parameters["variables"]) == {"crn": "X000001"}
    assert json.loads(parameters["headers"]) == {"Authorization": "Bearer a.b.c"}

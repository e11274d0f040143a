"""One trace crosses every hop: caller, Case Graph, its SQL, OASys and each CRC."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from tests.conftest import Tokens
from tests.observability.cases import OVERVIEW, crns_known_everywhere
from tests.observability.serving import backend_env, serving

pytestmark = pytest.mark.asyncio(loop_scope="session")


def spans_of(path: Path, trace_id: str) -> list[dict[str, Any]]:
    """The exported spans of one trace (the demo's JSON-lines format)."""
    spans = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [s for s in spans if s["context"]["trace_id"] == f"0x{trace_id}"]


async def test_a_callers_trace_reaches_every_backend_as_one_tree(
    settings: Settings, oasys: OasysServer, crcs: CrcServers, tokens: Tokens, tmp_path: Path
) -> None:
    spans_file = tmp_path / "spans.jsonl"
    env = backend_env(oasys, crcs) | {
        "CASEGRAPH_OTEL_EXPORTER": "jsonl",
        "CASEGRAPH_OTEL_FILE": str(spans_file),
    }
    crn = crns_known_everywhere(oasys, crcs, per_crc=1)[0]
    provider = next(c for c, i in crcs.instances.items() if crn in i.stand_in.dataset.cases)
    trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
    headers = tokens.header() | {"traceparent": f"00-{trace_id}-{caller_span}-01"}
    async with serving(settings, env, tokens.header()) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            response = await http.post(
                "/graphql", json={"query": OVERVIEW, "variables": {"crn": crn}}, headers=headers
            )
        body = response.json()
        assert "errors" not in body, body
        assert body["data"]["case"]["partner"]["provider"]["code"] == provider
        assert body["data"]["case"]["riskOfSeriousHarm"] is not None
    # The stand-ins were called within the caller's trace.
    assert trace_id in oasys.state.traceparents.trace_ids()
    assert trace_id in crcs.instances[provider].stand_in.traceparents.trace_ids()

    spans = spans_of(spans_file, trace_id)  # the server flushed them as it stopped
    by_id = {s["context"]["span_id"]: s for s in spans}
    roots = [s for s in spans if s["parent_id"] not in by_id]
    assert [r["parent_id"] for r in roots] == [f"0x{caller_span}"]
    assert roots[0]["kind"] == "SpanKind.SERVER"

    def chain(span: dict[str, Any]) -> list[str]:
        names = [span["name"]]
        while span["parent_id"] in by_id:
            span = by_id[span["parent_id"]]
            names.append(span["name"])
        return names

    sql = [s for s in spans if s["attributes"].get("db.system") == "postgresql"]
    calls = [s for s in spans if s["kind"] == "SpanKind.CLIENT" and s not in sql]
    assert sql
    assert calls
    for span in sql + calls:  # each statement and call hangs from a batch, under the request
        path = chain(span)
        assert path[-1] == roots[0]["name"]
        assert path[1].startswith(("load ", "audit")), path
    urls = " ".join(str(s["attributes"]) for s in calls)
    assert oasys.url in urls
    assert crcs.instances[provider].url.split("/api")[0] in urls

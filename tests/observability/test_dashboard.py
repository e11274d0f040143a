"""The committed Grafana dashboard is the one the code builds, and hangs together."""

from __future__ import annotations

from pathlib import Path

from deploy.grafana.dashboard import build, to_json

COMMITTED = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "casegraph.json"


def test_the_committed_dashboard_is_the_built_one() -> None:
    assert COMMITTED.read_text() == to_json(), "run python -m deploy.grafana.dashboard"


def test_every_panel_queries_prometheus_through_the_chosen_data_source() -> None:
    board = build()
    assert [v["name"] for v in board["templating"]["list"]] == ["datasource"]
    panels = [p for p in board["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in board["panels"]}) == len(board["panels"])
    assert {p["title"] for p in panels} >= {
        "Requests by operation",
        "Errors by code and source",
        "p95 latency by operation",
        "p95 backend latency by source",
        "Breakers not closed",
        "nDelius pool",
    }
    for panel in panels:
        assert panel["description"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"]
        assert all(t["expr"].count("casegraph_") >= 1 for t in panel["targets"])
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24

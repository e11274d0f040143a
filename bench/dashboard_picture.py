"""The README's picture of the dashboard: its own queries, over a real Prometheus.

``python -m bench.dashboard_picture [--offenders 2000] [--seconds 150]`` seeds a throwaway
nDelius, starts the OASys and CRC stand-ins, ``casegraph serve --workers 2`` and Debian's
Prometheus scraping it every second, then drives a mixed load with wrk: case overviews
(with OASys and CRC fields), some unknown CRNs and some invalid documents. A third of the
way in, OASys goes down for a while (its breakers open, its fields come back null with
UPSTREAM errors) and comes back. Each panel of ``deploy/grafana/dashboard.py`` is then
queried over the run, its rate window fixed at 30 s, and drawn with matplotlib into
``docs/dashboard.png``. It is not a Grafana screenshot (Grafana is not packaged in Debian):
the same queries, drawn by the code, from the same kind of data.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from api.tokens import SigningKey, save_key
from bench.fanout import WITH_PARTNERS, seed_partner_cases
from bench.load import Request, run_wrk, write_corpus
from bench.prometheus import Prometheus, prometheus_scraping
from bench.servers import RunningServer, casegraph
from bench.standins import start_standins
from deploy.grafana.dashboard import ROWS
from resolvers.viewer import Role
from sandbox.postgres import TemporaryPostgres

PICTURE = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"
WINDOW = "30s"


OVERVIEW = WITH_PARTNERS.replace("query(", "query CaseOverview(", 1)


def corpus(crns: Sequence[str]) -> list[Request]:
    """Mostly overviews; one in ten for a CRN nobody holds, one in twenty invalid."""
    requests = []
    for i, crn in enumerate(list(crns) * 4):
        if i % 20 == 19:
            requests.append(Request("/graphql", {"query": "query Broken { case { crn } }"}))
        elif i % 10 == 9:
            variables = {"crn": f"Z{i:06d}"}
            requests.append(Request("/graphql", {"query": OVERVIEW, "variables": variables}))
        else:
            requests.append(Request("/graphql", {"query": OVERVIEW, "variables": {"crn": crn}}))
    return requests


def drive(server: RunningServer, oasys_url: str, path: Path, seconds: float, token: str) -> None:
    """Load for ``seconds``; OASys is down from a third to a half of the way."""
    control = oasys_url.rsplit("/", 1)[0] + "/_control"

    def outage() -> None:
        time.sleep(seconds / 3)
        httpx.post(control, json={"down": True}, timeout=5)
        time.sleep(seconds / 6)
        httpx.post(control, json={"reset": True}, timeout=5)

    switch = threading.Thread(target=outage, daemon=True)
    switch.start()
    run_wrk(server.url, path, seconds=seconds, concurrency=6, authorization=f"Bearer {token}")
    switch.join(timeout=seconds)


def draw(prometheus: Prometheus, start: float, end: float, output: Path) -> None:
    """One small chart per panel, laid out by row as the dashboard is."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [panel for _row, row_panels in ROWS for panel in row_panels]
    columns = 3
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(15, 2.6 * rows), dpi=70)
    for axis, panel in zip(axes.flat, panels, strict=False):
        for query in panel.queries:
            expr = query.expr.replace("$__rate_interval", WINDOW)
            for series in prometheus.range_query(expr, start, end, 2):
                xs = [float(t) - start for t, _ in series["values"]]
                ys = [float(v) for _, v in series["values"]]
                label = query.legend
                for key, value in series["metric"].items():
                    label = label.replace("{{" + key + "}}", value)
                axis.plot(xs, ys, linewidth=1.2, label=label)
        axis.set_title(f"{panel.title} ({panel.unit})", fontsize=9)
        axis.tick_params(labelsize=7)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=6, loc="upper left", ncol=2)
    for axis in list(axes.flat)[len(panels) :]:
        axis.axis("off")
    figure.suptitle(
        "Case Graph dashboard queries over a real Prometheus: 2 workers, mixed load, "
        "OASys down for a while (x: seconds)",
        fontsize=11,
    )
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, format="png")


async def run(offenders: int, seconds: float, output: Path) -> None:
    """Everything, start to picture."""
    with TemporaryPostgres("picture") as database:
        crns = await seed_partner_cases(database.dsn, offenders)
        standins = await start_standins(database.dsn)
        key = SigningKey.generate()
        token = key.mint(
            issuer="casegraph-local", audience="casegraph", client_id="bench",
            roles=(Role.READ_CASES,),
        )  # fmt: skip
        folder = Path(database.data_dir).parent
        base = casegraph(database.dsn, save_key(key, folder / "keys"), workers=2)
        env = {
            **base.env,
            "CASEGRAPH_OASYS_URL": standins.oasys_url,
            "CASEGRAPH_OASYS_CACHE_SECONDS": "0",
            "CASEGRAPH_CRC_REGISTRY": json.dumps(standins.registry),
            "CASEGRAPH_SEARCH_REFRESH_SECONDS": "20",
            "CASEGRAPH_BREAKER_RESET_SECONDS": "5",
        }
        server = RunningServer(dataclasses.replace(base, env=env), folder)
        try:
            server.wait_ready()
            path = write_corpus(corpus(crns), folder / "picture.txt")
            with prometheus_scraping(server.url.removeprefix("http://")) as prometheus:
                start = time.time()
                await asyncio.to_thread(drive, server, standins.oasys_url, path, seconds, token)
                await asyncio.sleep(3)
                draw(prometheus, start, time.time(), output)
        finally:
            server.stop()
            await standins.stop()


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offenders", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=150.0)
    parser.add_argument("--output", type=Path, default=PICTURE)
    args = parser.parse_args()
    asyncio.run(run(args.offenders, args.seconds, args.output))
    print(f"wrote {args.output} ({args.output.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

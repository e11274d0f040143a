"""A real Prometheus (Debian's package) scraping one server on loopback.

The metrics test and the README's dashboard picture (``bench/dashboard_picture.py``) use it.

The binary runs with a config and a TSDB folder of its own in a temporary directory, on a
free port; the package's own service (if any) plays no part. ``stop`` signals this process
only.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from sandbox.postgres import free_port
from sandbox.processes import stop_process

BINARY = shutil.which("prometheus") or "/usr/bin/prometheus"
CONFIG = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: casegraph
    metrics_path: /metrics
    static_configs:
      - targets: ["{target}"]
"""


class Prometheus:
    """One running Prometheus and its HTTP query API."""

    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process = process
        self.url = url

    async def query(self, promql: str) -> list[dict[str, Any]]:
        """The instant vector for ``promql`` (``/api/v1/query``)."""
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as http:
            response = await http.get("/api/v1/query", params={"query": promql})
        body = response.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def range_query(
        self, promql: str, start: float, end: float, step: float
    ) -> list[dict[str, Any]]:
        """The range vector for ``promql`` (``/api/v1/query_range``), each series' values."""
        response = httpx.get(
            f"{self.url}/api/v1/query_range",
            params={"query": promql, "start": start, "end": end, "step": step},
            timeout=10,
        )
        body = response.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    async def value(self, promql: str) -> float | None:
        """The single value of a scalar-like query, or None while it has no series."""
        result = await self.query(promql)
        return float(result[0]["value"][1]) if result else None

    async def wait_for(self, promql: str, expected: float, seconds: float = 30.0) -> float | None:
        """Poll (bounded) until the query's value is ``expected``; the last value seen."""
        deadline = time.monotonic() + seconds
        seen = await self.value(promql)
        while seen != expected and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            seen = await self.value(promql)
        return seen


@contextmanager
def prometheus_scraping(target: str) -> Iterator[Prometheus]:
    """Prometheus scraping ``host:port`` every second; stopped and removed on the way out.

    Needs ``prometheus`` on PATH (``apt-get install -y prometheus``).
    """
    folder = Path(tempfile.mkdtemp(prefix="casegraph-prometheus-"))
    port = free_port()
    (folder / "prometheus.yml").write_text(CONFIG.format(target=target))
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            BINARY,
            f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _until_up(process, f"http://127.0.0.1:{port}", folder)
        yield Prometheus(process, f"http://127.0.0.1:{port}")
    finally:
        stop_process(process, 10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _until_up(process: subprocess.Popen[bytes], url: str, folder: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, (folder / "prometheus.log").read_text()[-2000:]
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("Prometheus did not start in time")

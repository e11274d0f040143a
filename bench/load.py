"""Drive load with wrk (a C load generator, from Debian) from its own process.

wrk holds ``concurrency`` keep-alive connections open for a fixed duration (a closed
loop: each connection sends its next request when the last one is answered), cycling
through the request corpus from a random start per thread. bench/wrk.lua counts every
response that is not a 200 or carries GraphQL ``errors`` as an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
_MARKER = "BENCH_RESULT "


class LoadError(RuntimeError):
    """wrk is missing, failed, or printed no result."""


@dataclass(frozen=True, slots=True)
class Request:
    """One request of a corpus: a path on the server and its JSON body."""

    path: str
    body: dict[str, object]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one bounded run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    """The wrk binary, or a LoadError saying how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise LoadError("wrk not found: install it with `apt-get install -y wrk`")
    return found


def write_corpus(requests: Sequence[Request], path: Path) -> Path:
    """Write the requests as wrk.lua reads them: ``path<TAB>json`` per line."""
    lines = [f"{r.path}\t{json.dumps(r.body, separators=(',', ':'))}" for r in requests]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(
    url: str,
    corpus: Path,
    *,
    seconds: float,
    concurrency: int,
    authorization: str = "",
    timeout: float = 10.0,
) -> LoadResult:
    """Run wrk against ``url`` for ``seconds`` with ``concurrency`` connections."""
    command = [
        wrk_path(),
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout:g}s",
        "-s",
        str(SCRIPT),
        url,
    ]
    env = {**os.environ, "BENCH_REQUESTS": str(corpus), "BENCH_AUTHORIZATION": authorization}
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith(_MARKER):
            raw = json.loads(line[len(_MARKER) :])
            return LoadResult(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                p50_ms=raw["p50_us"] / 1000,
                p95_ms=raw["p95_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                max_ms=raw["max_us"] / 1000,
                errors=raw["bad_responses"] + raw["socket_errors"] + raw["timeouts"],
            )
    raise LoadError(f"wrk gave no result (exit {completed.returncode}): {completed.stderr[-500:]}")

"""Where Case Graph's time goes: py-spy samples of one worker under load, by layer.

    pip install py-spy
    python -m bench.profile [--offenders 20000] [--seconds 15]

Seeds a throwaway nDelius, serves ``casegraph serve --workers 1``, drives the overview and
the 50-case list with wrk, and samples the server with py-spy meanwhile. Each sample's
innermost frame is charged to a layer (graphql-core, strawberry, asyncpg, ...); the
"Where the time goes" section of bench/RESULTS.md gets the shares.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench import corpus, servers
from bench.cluster import StatsPostgres, prepare
from bench.load import run_wrk, write_corpus
from bench.run import RESULTS, credentials
from bench.sections import replace_section

HEADING = "## Where the time goes"
QUERIES = ("overview", "cases50")
_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?):\d+\)$")

# (layer, path prefixes after site-packages/ or the repository root), first match wins.
LAYERS = (
    ("graphql-core execution", ("graphql/",)),
    ("strawberry", ("strawberry/",)),
    ("asyncpg driver (Cython protocol included)", ("asyncpg/",)),
    ("adapters: SQL and record decoding", ("adapters/",)),
    ("resolvers and aiodataloader", ("resolvers/", "aiodataloader/")),
    ("schema types", ("schema/",)),
    ("JWT verification", ("jwt/", "cryptography/", "api/auth")),
    ("uvicorn and starlette", ("uvicorn/", "starlette/", "httptools/")),
    ("api: middleware and view", ("api/",)),
    ("json encoding", ("json/",)),
)


def layer(frame: str) -> str:
    """The layer one innermost frame belongs to."""
    match = _FRAME.match(frame)
    if match is None:
        return "other"
    path = match["path"].split("site-packages/")[-1].split(str(servers.REPO) + "/")[-1]
    for name, prefixes in LAYERS:
        if path.startswith(prefixes):
            return name
    if match["function"] == "Runner.run":
        return "event loop (uvloop: I/O and waiting)"
    return "asyncio and standard-library glue"


def shares(raw: str) -> tuple[int, Counter[str]]:
    """Samples of the serving thread by layer (idle thread-pool workers left out)."""
    found: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or "concurrent/futures/thread.py" in stack:
            continue
        total += int(count)
        found[layer(stack.split(";")[-1])] += int(count)
    return total, found


def record(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """Start py-spy sampling ``pid`` at 200 Hz for ``seconds`` into ``output``."""
    command = ["py-spy", "record", "--format", "raw", "-r", "200", "-d", str(round(seconds))]
    return subprocess.Popen(
        [*command, "-o", str(output), "--pid", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def profile(offenders: int, seconds: float, concurrency: int) -> str:
    """Profile both queries and return the markdown section."""
    rows: dict[str, tuple[int, Counter[str], float]] = {}
    with StatsPostgres() as postgres, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        asyncio.run(prepare(postgres.dsn, offenders, 1))
        jwks, authorization = credentials(work)
        requests = corpus.casegraph_requests(asyncio.run(corpus.pick_cases(postgres.dsn)))
        spec = servers.casegraph(postgres.dsn, jwks, workers=1)
        with servers.serving(spec, work) as server:
            for query in QUERIES:
                path = write_corpus(requests[query], work / f"{query}.txt")
                run_wrk(
                    server.url, path, seconds=3, concurrency=concurrency,
                    authorization=authorization,
                )  # fmt: skip
                spy = record(server.pid, seconds, work / f"{query}.raw")
                result = run_wrk(
                    server.url, path, seconds=seconds + 2, concurrency=concurrency,
                    authorization=authorization,
                )  # fmt: skip
                spy.wait(timeout=seconds + 60)
                total, found = shares((work / f"{query}.raw").read_text())
                rows[query] = (total, found, result.rps)
    return render(offenders, seconds, rows)


def render(offenders: int, seconds: float, rows: dict[str, tuple[int, Counter[str], float]]) -> str:
    """The markdown section."""
    lines = [
        HEADING,
        "",
        f"`python -m bench.profile --offenders {offenders}`: py-spy at 200 Hz for "
        f"{seconds:g} s on `casegraph serve --workers 1` under wrk load; each sample is "
        "charged to the layer of its innermost Python frame (time inside C extensions counts "
        "for the frame that called them). py-spy samples the worker whenever it is not "
        "waiting for I/O, running or not, so a share may include time the worker was ready "
        "but waiting for a CPU; the CPU columns of the Case Graph vs alternatives section "
        "give the CPU actually spent.",
        "",
    ]
    for query, (total, found, rps) in rows.items():
        lines += [f"**{query}** ({rps:.1f} req/s while sampled, {total:,} samples)", ""]
        lines += ["| layer | share |", "|---|---:|"]
        lines += [f"| {name} | {100 * n / total:.1f} % |" for name, n in found.most_common()]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Entry point of ``python -m bench.profile``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offenders", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    if shutil.which("py-spy") is None:
        print("py-spy not found: pip install py-spy", file=sys.stderr)
        return 2
    section = profile(args.offenders, args.seconds, args.concurrency)
    existing = args.results.read_text() if args.results.exists() else ""
    args.results.write_text(replace_section(existing, section, HEADING))
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fan-out: the case overview with OASys and a CRC behind it, at 0 and 50 ms added latency.

``python -m bench.fanout [--offenders 5000] [--requests 100]`` seeds a throwaway nDelius,
starts the OASys and CRC stand-ins on loopback, and asks Case Graph (in-process, one
request at a time, so the numbers are latencies, not queueing) for the overview of cases
held by a CRC with a RoSH registration: nDelius fields only, then with the OASys and
partner fields, under each latency setting. nDelius, OASys and the CRC are asked at the
same time, so 50 ms on both backends should cost about 50 ms, not 100. Then the same
query under load: ``casegraph serve`` with both backends at 50 ms, driven by wrk. Writes
the "Fan-out" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from adapters.crc import CrcClient
from adapters.crc.connection import CrcConnection
from adapters.delius import DeliusAdapter
from adapters.delius.migrate import migrate, refresh_search
from adapters.oasys.client import OasysClient
from api.app import create_app
from api.settings import Secret, Settings
from api.tokens import SigningKey, save_key
from bench import figures
from bench.documents import readme_overview
from bench.load import LoadResult, Request, run_wrk, write_corpus
from bench.sections import write_section
from bench.servers import casegraph, serving
from bench.standins import start_standins
from resolvers.context import Backends
from resolvers.viewer import Role
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres

HEADING = "## Fan-out"
FOUND: dict[str, float] = {}
"""This run's figures for bench/figures.json."""
RESULTS = Path(__file__).with_name("RESULTS.md")

_DELIUS_FIELDS = """crn name { forename surname } dateOfBirth
  manager { staff { code } team { code } provider { code } }
  events { number sentence { type { code } requirements { category { code } } } }
  registrations { type { code } } nextAppointment { date }
  contacts(first: 10) { totalCount edges { node { id date type { code } } } }"""

_PARTNER_FIELDS = """riskOfSeriousHarm { overallRiskLevel riskInCommunity { group level } }
  predictorScores { ogrs { oneYear band } }
  partner { status practitioner { name } appointments(first: 5) { start outcome } }"""

DELIUS_ONLY = f"query($crn: ID!) {{ case(crn: $crn) {{ {_DELIUS_FIELDS} }} }}"
WITH_PARTNERS = f"query($crn: ID!) {{ case(crn: $crn) {{ {_DELIUS_FIELDS} {_PARTNER_FIELDS} }} }}"

PARTNER_CASES = """
SELECT o.crn FROM offender o
JOIN offender_manager om ON om.offender_id = o.offender_id AND om.active_flag = 1
     AND om.soft_deleted = 0
JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id AND pa.private = 1
WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
  AND EXISTS (SELECT 1 FROM registration g JOIN r_register_type rt
              ON rt.register_type_id = g.register_type_id AND rt.code LIKE 'R%H'
              WHERE g.offender_id = o.offender_id AND g.soft_deleted = 0 AND g.deregistered = 0)
ORDER BY o.crn LIMIT 50
"""


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def _latency(root: str, milliseconds: int) -> None:
    """Set a stand-in's added latency through its control endpoint."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{root}/_control", json={"latency_ms": milliseconds})
        response.raise_for_status()


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(
    http: httpx.AsyncClient, document: str, crns: Sequence[str], requests: int
) -> list[float]:
    """Latencies (ms) of ``requests`` sequential requests over the CRNs; errors abort."""
    for crn in crns[:5]:  # warm caches of parsed documents and connections
        await http.post("/graphql", json={"query": document, "variables": {"crn": crn}})
    latencies = []
    for i in range(requests):
        started = time.perf_counter()
        response = await http.post(
            "/graphql", json={"query": document, "variables": {"crn": crns[i % len(crns)]}}
        )
        latencies.append((time.perf_counter() - started) * 1000)
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"the overview failed: {body['errors'][0]['extensions']}")
    return latencies


async def answered_by(http: httpx.AsyncClient, document: str, crn: str) -> str:
    """Which executor answers the document: ``planned`` or ``graphql-core (why)``."""
    response = await http.post(
        "/graphql",
        json={
            "query": document,
            "variables": {"crn": crn},
            "extensions": {"casegraphExecution": True},
        },
    )
    return str(response.json().get("extensions", {}).get("casegraphExecution"))


async def seed_partner_cases(dsn: str, offenders: int) -> list[str]:
    """Load the contract into ``dsn``, seed it, migrate; the CRC-held cases with a RoSH."""
    await load_contract(dsn)
    await seed_database(dsn, offenders=offenders, seed=1)
    await migrate(dsn)
    await refresh_search(dsn)
    connection = await asyncpg.connect(dsn)
    try:
        return [row[0].strip() for row in await connection.fetch(PARTNER_CASES)]
    finally:
        await connection.close()


async def run(offenders: int, requests: int, concurrency: int) -> str:
    """Seed, start everything, measure each setting; return the results section."""
    with TemporaryPostgres("fanout") as database:
        dsn = database.dsn
        crns = await seed_partner_cases(dsn, offenders)
        standins = await start_standins(dsn)
        oasys_url, registry = standins.oasys_url, standins.registry
        key = SigningKey.generate()
        settings = Settings(
            delius_dsn=Secret(dsn),
            jwks=str(save_key(key, Path(database.data_dir).parent / "keys")),
            oasys_cache_seconds=0,
        )
        token = key.mint(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client_id="bench",
            roles=(Role.READ_CASES,),
        )
        delius = await DeliusAdapter.connect(dsn)
        oasys_client = await OasysClient.create(
            oasys_url,
            timeout=3,
            concurrency=20,
            breaker_failures=5,
            breaker_reset=30,
            cache_seconds=0,
            deadline=10,
        )
        crc_client = CrcClient.create(
            [
                CrcConnection(code, e["url"], e["clientId"], e["clientSecret"])
                for code, e in registry.items()
            ]
        )
        backends = Backends(delius=delius, oasys=oasys_client, crc=crc_client)
        app = create_app(settings, backends=backends)
        rows = []
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://casegraph",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ) as http:
                rows.append(
                    (
                        "nDelius fields only",
                        "-",
                        "-",
                        await measure(http, DELIUS_ONLY, crns, requests),
                    )
                )
                for oasys_ms, crc_ms in ((0, 0), (50, 0), (0, 50), (50, 50)):
                    await _latency(_root(oasys_url), oasys_ms)
                    for entry in registry.values():
                        await _latency(_root(entry["url"]), crc_ms)
                    latencies = await measure(http, WITH_PARTNERS, crns, requests)
                    rows.append(("with OASys and partner", f"{oasys_ms}", f"{crc_ms}", latencies))
                readme = await measure(http, readme_overview(), crns, requests)
                path = await answered_by(http, readme_overview(), crns[0])
                rows.append((f"the README's overview ({path})", "50", "50", readme))
            loaded = await asyncio.to_thread(
                under_load, dsn, settings.jwks, token, oasys_url, registry, crns, concurrency
            )
        finally:
            await oasys_client.aclose()
            await crc_client.aclose()
            await delius.aclose()
            await standins.stop()
    return render(rows, offenders, requests, len(crns), loaded, concurrency)


def under_load(
    dsn: str,
    jwks: str,
    token: str,
    oasys_url: str,
    registry: dict[str, dict[str, str]],
    crns: Sequence[str],
    concurrency: int,
) -> LoadResult:
    """``casegraph serve`` (one worker) with both backends at 50 ms, driven by wrk."""
    deployed = casegraph(dsn, Path(jwks), workers=1)
    spec = dataclasses.replace(
        deployed,
        name="casegraph-1w-partners",
        env={
            **deployed.env,
            "CASEGRAPH_OASYS_URL": oasys_url,
            "CASEGRAPH_OASYS_CACHE_SECONDS": "0",
            "CASEGRAPH_CRC_REGISTRY": json.dumps(registry),
        },
    )
    corpus = [Request("/graphql", {"query": WITH_PARTNERS, "variables": {"crn": c}}) for c in crns]
    with tempfile.TemporaryDirectory(prefix="casegraph-fanout-") as folder:
        work = Path(folder)
        path = write_corpus(corpus, work / "partners.txt")
        with serving(spec, work) as server:
            bearer = f"Bearer {token}"
            run_wrk(server.url, path, seconds=3, concurrency=concurrency, authorization=bearer)
            return run_wrk(
                server.url, path, seconds=10, concurrency=concurrency, authorization=bearer
            )


def render(
    rows: Sequence[tuple[str, str, str, list[float]]],
    offenders: int,
    requests: int,
    cases: int,
    loaded: LoadResult,
    concurrency: int,
) -> str:
    """The markdown section (its figures are kept in ``FOUND`` for the targets table)."""
    FOUND.update(
        readme_p50_ms=statistics.median(rows[-1][3]),
        partners_p50_ms=statistics.median(rows[-2][3]),
        requests=requests,
    )
    lines = [
        HEADING,
        "",
        f"`python -m bench.fanout --offenders {offenders} --requests {requests}`: the overview of "
        f"{cases} CRC-held cases with a RoSH registration, {requests} requests one at a time per "
        "row, in-process (no HTTP hop to Case Graph; OASys and the CRCs over loopback, "
        "each in a process of its own). OASys "
        "answers are not cached here, so every request asks OASys twice (RoSH, predictors) and "
        "the CRC once (batchGet) plus once for appointments (the README's overview: for "
        "unpaid work). The executor that answered the README's overview is named in its row.",
        "",
        "| fields | OASys added ms | CRC added ms | p50 ms | p95 ms | mean ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, oasys_ms, crc_ms, latencies in rows:
        lines.append(
            f"| {label} | {oasys_ms} | {crc_ms} | {statistics.median(latencies):.1f} | "
            f"{percentile(latencies, 0.95):.1f} | {statistics.fmean(latencies):.1f} |"
        )
    base = statistics.median(rows[1][3])
    both = statistics.median(rows[-2][3])
    lines += [
        "",
        f"With 50 ms added to both OASys and the CRC the median rises by {both - base:.1f} ms "
        f"over the same query with no added latency: the backends are asked concurrently, not "
        f"one after another (that would add about 100 ms, or 150 counting the CRC's second call).",
        "",
        f"Under load: `casegraph serve` (one worker) with both backends at 50 ms, wrk with "
        f"{concurrency} connections for 10 s after 3 s of warm-up: {loaded.rps:.1f} req/s, "
        f"p50 {loaded.p50_ms:.1f} ms, p95 {loaded.p95_ms:.1f} ms, p99 {loaded.p99_ms:.1f} ms, "
        f"{loaded.errors} errors.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offenders", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=20, help="wrk connections under load")
    args = parser.parse_args()
    section = asyncio.run(run(args.offenders, args.requests, args.concurrency))
    figures.record("fanout", FOUND)
    write_section(RESULTS, section, HEADING)
    print(section)


if __name__ == "__main__":
    main()

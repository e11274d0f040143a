"""``casegraph demo``: the legacy world in a box, and the graph over it, in one command.

Starts a throwaway PostgreSQL, loads the nDelius contract, seeds it, then serves the API
with GraphiQL on 127.0.0.1 and prints what to open. Ctrl-C stops everything and removes
the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
from dataclasses import dataclass

import uvicorn

from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.settings import Secret, Settings, parse_crc_registry
from sandbox.crc import CrcCaseFacts, build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts_from_delius
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres
from sandbox.showcase import Showcase, showcase

OVERVIEW = """query CaseOverview($crn: ID!) {
  case(crn: $crn) {
    crn
    name { forename surname }
    dateOfBirth
    tier { code description }
    manager { staff { code forename surname } team { description } provider { description } }
    events { number referralDate mainOffence { description }
             sentence { type { description } date requirements { category { description } } } }
    registrations { type { code description } colour reviewOverdue }
    nextAppointment { date start type { description } }
    contacts(first: 5) { totalCount edges { node { date type { description } outcome { code } } } }
    partner { provider { description } status practitioner { name }
              appointments(first: 3) { start type outcome }
              unpaidWork { hoursOrdered hoursCompleted } }
  }
}"""


CRC_BASE_PORT = 8091


def _say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class _World:
    examples: Showcase
    crc_facts: list[CrcCaseFacts]


async def _prepare(dsn: str, offenders: int, seed: int) -> _World:
    await load_contract(dsn)
    report = await seed_database(dsn, offenders=offenders, seed=seed)
    _say(f"  seeded {offenders:,} offenders in {report.elapsed_seconds:.1f} s")
    await migrate(dsn)
    await refresh_search(dsn)
    return _World(examples=await showcase(dsn), crc_facts=await crc_facts_from_delius(dsn))


def _banner(port: int, examples: Showcase) -> str:
    base = f"http://127.0.0.1:{port}"
    crn = examples.community_crn or "X000001"
    link = f"{base}/graphql?" + urllib.parse.urlencode(
        {"query": OVERVIEW, "variables": f'{{"crn": "{crn}"}}'}
    )
    lines = [
        "",
        "Case Graph is ready.",
        f"  GraphiQL:   {base}/graphql",
        f"  Try this:   {link}",
        f"  Health:     {base}/health    Ready: {base}/ready",
        "",
        "Cases worth a look:",
        f"  community order, NPS:  {examples.community_crn}",
        f"  custody, NPS:          {examples.custody_crn}",
        f"  held by a CRC:         {examples.partner_crn}",
        f"  limited access:        {examples.limited_crn} (hidden from this caller)",
        f'  a caseload:            caseload(staffCode: "{examples.staff_code}")',
        "",
        "Press Ctrl-C to stop; the database is removed on exit.",
    ]
    return "\n".join(lines)


def run_demo(*, offenders: int, seed: int, port: int) -> int:
    """Run the whole demo until interrupted."""
    started = time.monotonic()
    _say("Starting a throwaway nDelius database ...")
    with contextlib.ExitStack() as stack:
        database = stack.enter_context(TemporaryPostgres("ndelius"))
        world = asyncio.run(_prepare(database.dsn, offenders, seed))
        crcs = stack.enter_context(
            start_crc_servers(build_datasets(world.crc_facts, seed), base_port=CRC_BASE_PORT)
        )
        _say(
            f"  CRC partner systems: {', '.join(sorted(crcs.registry()))} from port {CRC_BASE_PORT}"
        )
        settings = Settings(
            delius_dsn=Secret(database.dsn),
            crc_registry=parse_crc_registry(crcs.registry_json()),
            port=port,
            graphiql=True,
        )
        app = create_app(settings)
        _say(f"  ready in {time.monotonic() - started:.1f} s")
        _say(_banner(port, world.examples))
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0

"""``casegraph demo``: the legacy world in a box, and the graph over it, in one command.

Starts a throwaway PostgreSQL, loads the nDelius contract, seeds it, then serves the API
with GraphiQL on 127.0.0.1 and prints what to open. Ctrl-C stops everything and removes
the database.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse

import uvicorn

from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.settings import Secret, Settings
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
  }
}"""


def _say(message: str) -> None:
    print(message, flush=True)


async def _prepare(dsn: str, offenders: int, seed: int) -> Showcase:
    await load_contract(dsn)
    report = await seed_database(dsn, offenders=offenders, seed=seed)
    _say(f"  seeded {offenders:,} offenders in {report.elapsed_seconds:.1f} s")
    await migrate(dsn)
    await refresh_search(dsn)
    return await showcase(dsn)


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
    with TemporaryPostgres("ndelius") as database:
        examples = asyncio.run(_prepare(database.dsn, offenders, seed))
        settings = Settings(delius_dsn=Secret(database.dsn), port=port, graphiql=True)
        app = create_app(settings)
        _say(f"  ready in {time.monotonic() - started:.1f} s")
        _say(_banner(port, examples))
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    return 0

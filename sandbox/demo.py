"""``casegraph demo``: the legacy world in a box, and the graph over it, in one command.

Starts a throwaway PostgreSQL, loads the nDelius contract, seeds it, then serves the API
with GraphiQL on 127.0.0.1 and prints what to open. Ctrl-C stops everything and removes
the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import uvicorn

from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.logs import configure_logging
from api.settings import Secret, Settings, parse_crc_registry
from api.tokens import load_or_create_key
from resolvers.viewer import Role
from sandbox.activity import ActivityThread
from sandbox.crc import CrcCaseFacts, build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts_from_delius
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.oasys.dataset import CaseFacts as OasysCaseFacts
from sandbox.oasys.dataset import build_dataset as build_oasys_dataset
from sandbox.oasys.delius import facts_from_delius as oasys_facts_from_delius
from sandbox.oasys.server import start_oasys_server
from sandbox.postgres import TemporaryPostgres
from sandbox.showcase import Showcase, showcase

OVERVIEW = """query CaseOverview($crn: ID!) {
  case(crn: $crn) {
    crn
    name { forename surname }
    dateOfBirth
    tier { code description }
    access { userExcluded userRestricted message }
    manager {
      staff { code forename surname }
      team { description }
      provider { description }
    }
    events {
      number
      referralDate
      mainOffence { description }
      sentence { type { description } date requirements { category { description } } }
    }
    registrations { type { code description } colour reviewOverdue }
    riskOfSeriousHarm { overallRiskLevel assessedOn riskInCommunity { group level } }
    predictorScores { ogrs { oneYear twoYears band } rsr { oneYear band } }
    nextAppointment { date start type { description } }
    contacts(first: 5) {
      totalCount
      edges { node { date type { description } outcome { code } } }
    }
    partner {
      provider { description }
      status
      practitioner { name }
      appointments(first: 3) { start type outcome }
      unpaidWork { hoursOrdered hoursCompleted }
    }
  }
}"""


LONDON = ZoneInfo("Europe/London")
CRC_BASE_PORT = 8091
OASYS_PORT = 8081


def _say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class _World:
    examples: Showcase
    crc_facts: list[CrcCaseFacts]
    oasys_facts: list[OasysCaseFacts]


async def _prepare(dsn: str, offenders: int, seed: int) -> _World:
    await load_contract(dsn)
    today = datetime.now(LONDON).date()
    report = await seed_database(dsn, offenders=offenders, seed=seed, today=today)
    _say(f"  seeded {offenders:,} offenders in {report.elapsed_seconds:.1f} s")
    await migrate(dsn)
    await refresh_search(dsn)
    return _World(
        examples=await showcase(dsn),
        crc_facts=await crc_facts_from_delius(dsn),
        oasys_facts=await oasys_facts_from_delius(dsn),
    )


def _banner(port: int, examples: Showcase, token: str) -> str:
    base = f"http://127.0.0.1:{port}"
    crn = examples.community_crn or "X000001"
    link = f"{base}/graphql?" + urllib.parse.urlencode(
        {
            "q": OVERVIEW,
            "variables": json.dumps({"crn": crn}),
            "headers": json.dumps({"Authorization": f"Bearer {token}"}),
        },
        quote_via=urllib.parse.quote,  # GraphiQL decodes with decodeURIComponent: no "+"
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
        f"  limited access:        {examples.limited_crn} (hidden unless you may see it)",
        f'  a caseload:            caseload(staffCode: "{examples.staff_code}")',
        "",
        f"You are {examples.staff_username} (a practitioner) with the link's token; mint others",
        "with `casegraph token --user NAME --roles ROLE,...` (keys in .casegraph/keys).",
        "",
        "Press Ctrl-C to stop; the database is removed on exit.",
    ]
    return "\n".join(lines)


def _activity_banner(every: float, registry: dict[str, dict[str, str]]) -> str:
    first = min(registry) if registry else "C01"
    received = registry[first]["webhookUrl"].replace("/case-events", "/received")
    return "\n".join(
        [
            f"Activity: a case changes in nDelius every {every:g} s (registrations, appointments,",
            "transfers between CRCs), by plain SQL as nDelius would. Watch the events arrive:",
            "  in GraphiQL:  subscription { caseEvents { node { eventType crn occurredAt } } }",
            f"  at {first}:       curl {received}",
            "  the queues:   casegraph deliveries   (with CASEGRAPH_DELIUS_DSN set)",
        ]
    )


def run_demo(*, offenders: int, seed: int, port: int, activity: float = 0.0) -> int:
    """Run the whole demo until interrupted; ``activity`` > 0 changes a case that often."""
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
        oasys = stack.enter_context(
            start_oasys_server(
                build_oasys_dataset(world.oasys_facts, seed), "127.0.0.1", OASYS_PORT
            )
        )
        _say(f"  OASys assessment service: {oasys.url}")
        key, jwks = load_or_create_key()
        settings = Settings(
            delius_dsn=Secret(database.dsn),
            jwks=str(jwks),
            crc_registry=parse_crc_registry(crcs.registry_json()),
            oasys_url=oasys.url,
            port=port,
            graphiql=True,
            introspection=True,
            field_suggestions=True,
        )
        configure_logging(replace(settings, log_format="text"))
        app = create_app(settings)
        _say(f"  ready in {time.monotonic() - started:.1f} s")
        token = key.mint(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client_id="casegraph-demo",
            username=world.examples.staff_username,
            roles=(Role.READ_CASES, Role.READ_SENSITIVE),
            lifetime=12 * 3600,
        )
        _say(_banner(port, world.examples, token))
        if activity > 0:
            stack.enter_context(ActivityThread(database.dsn, sorted(crcs.registry()), activity))
            _say(_activity_banner(activity, crcs.registry()))
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
    return 0

"""``casegraph demo``: the legacy world in a box, and the graph over it, in one command.

Starts a throwaway PostgreSQL, loads the nDelius contract, seeds it, then serves the API
with GraphiQL on 127.0.0.1 and prints what to open. Ctrl-C (or SIGTERM, or SIGHUP) stops
everything and removes the database (see ``sandbox.demo_lifecycle``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn

from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.local_demo import STATE_FILE, DemoState, remove_state, write_state
from api.logs import configure_logging
from api.settings import Secret, Settings, parse_crc_registry
from api.tokens import load_or_create_key
from api.tracing import configure_tracing
from resolvers.viewer import Role
from sandbox.activity import ActivityThread
from sandbox.crc import CrcCaseFacts, build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts_from_delius
from sandbox.demo_lifecycle import DemoStopped, Stopper, clear_leftovers, stop_on_signals
from sandbox.demo_sign_in import OneTimeSignIn
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.oasys.dataset import CaseFacts as OasysCaseFacts
from sandbox.oasys.dataset import build_dataset as build_oasys_dataset
from sandbox.oasys.delius import facts_from_delius as oasys_facts_from_delius
from sandbox.oasys.server import start_oasys_server
from sandbox.postgres import TemporaryPostgres
from sandbox.showcase import Showcase, every_source_case, showcase

OVERVIEW = """query CaseOverview($crn: ID!) {
  case(crn: $crn) {
    crn
    name { forename surname }
    dateOfBirth
    tier { code description }
    access { userExcluded userRestricted }
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
    predictorScores { ogrs { oneYear twoYears band } rsr { twoYears band } }
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
DEMO_SPANS = Path(".casegraph/spans.jsonl")
"""Where the demo writes its traces, beside its keys."""


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


def _banner(port: int, examples: Showcase, first_crn: str | None, sign_in_code: str) -> str:
    """What the demo prints when ready. The link carries a single-use sign-in code, never
    the token (see ``sandbox.demo_sign_in``)."""
    base = f"http://127.0.0.1:{port}"
    crn = first_crn or examples.partner_crn or examples.community_crn or "X000001"
    link = f"{base}/graphql?" + urllib.parse.urlencode(
        {
            "q": OVERVIEW,
            "variables": json.dumps({"crn": crn}),
            "signin": sign_in_code,
        },
        quote_via=urllib.parse.quote,  # GraphiQL decodes with decodeURIComponent: no "+"
    )
    lines = [
        "",
        "Case Graph is ready.",
        f"  GraphiQL:   {base}/graphql",
        f"  Sign in:    {link}",
        f"              (works once; it opens {crn}, a case nDelius, OASys and a CRC all know)",
        f"  Health:     {base}/health    Ready: {base}/ready    Metrics: {base}/metrics",
        f"  Traces:     {DEMO_SPANS.resolve()} (one OpenTelemetry span, as JSON, a line)",
        "",
        "Cases worth a look:",
        f"  community order, NPS:  {examples.community_crn}",
        f"  custody, NPS:          {examples.custody_crn}",
        f"  held by a CRC:         {examples.partner_crn}",
        f"  limited access:        {examples.limited_crn} (hidden unless you may see it)",
        f'  a caseload:            caseload(staffCode: "{examples.staff_code}")',
        "",
        f"The link signs you in as {examples.staff_username} (a practitioner). For another tab or",
        "user, mint a token with `casegraph token --user NAME --roles ROLE,...` in this folder",
        'and put {"Authorization": "Bearer <token>"} in GraphiQL\'s Headers tab.',
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
            "  the queues:   casegraph deliveries   (from this folder)",
        ]
    )


def run_demo(
    *,
    offenders: int,
    seed: int,
    port: int,
    oasys_port: int = OASYS_PORT,
    crc_base_port: int = CRC_BASE_PORT,
    activity: float = 0.0,
) -> int:
    """Run the whole demo until SIGINT, SIGTERM or SIGHUP; leave nothing behind.

    ``activity`` > 0 changes a case in nDelius that often, so case events flow.
    """
    clear_leftovers(STATE_FILE)
    with stop_on_signals() as stopper, contextlib.suppress(DemoStopped):
        _serve_demo(stopper, offenders, seed, port, oasys_port, crc_base_port, activity)
    if stopper.received is not None:
        _say(f"Stopped ({signal.Signals(stopper.received).name}); the database is removed.")
    return 0


def _serve_demo(
    stopper: Stopper,
    offenders: int,
    seed: int,
    port: int,
    oasys_port: int,
    crc_base_port: int,
    activity: float,
) -> None:
    started = time.monotonic()
    _say("Starting a throwaway nDelius database ...")
    with contextlib.ExitStack() as stack:
        stack.callback(remove_state, STATE_FILE, pid=os.getpid())
        database = stack.enter_context(TemporaryPostgres("ndelius"))
        write_state(DemoState(os.getpid(), database.dsn, str(database.folder), port))
        world = asyncio.run(_prepare(database.dsn, offenders, seed))
        crc_datasets = build_datasets(world.crc_facts, seed)
        oasys_dataset = build_oasys_dataset(world.oasys_facts, seed)
        first_crn = every_source_case(world.examples, oasys_dataset, crc_datasets)
        crcs = stack.enter_context(start_crc_servers(crc_datasets, base_port=crc_base_port))
        first_crc = min(instance.port for instance in crcs.instances.values())
        _say(f"  CRC partner systems: {', '.join(sorted(crcs.registry()))} from port {first_crc}")
        oasys = stack.enter_context(start_oasys_server(oasys_dataset, "127.0.0.1", oasys_port))
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
            otel_exporter="jsonl",
            otel_file=str(DEMO_SPANS),
        )
        configure_logging(replace(settings, log_format="text"))
        configure_tracing(settings)
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
        sign_in = OneTimeSignIn(token)
        app.router.routes.append(sign_in.route())
        _say(_banner(port, world.examples, first_crn, sign_in.code))
        if activity > 0:
            stack.enter_context(ActivityThread(database.dsn, sorted(crcs.registry()), activity))
            _say(_activity_banner(activity, crcs.registry()))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
        )
        stopper.server = server
        server.run()
        stopper.stopping = True  # from here on, a signal must not interrupt the clean-up

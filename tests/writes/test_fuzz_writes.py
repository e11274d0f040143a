"""W-fuzz: generated mutations sent with the write role, over a database of their own.

The fuzzer writes for real, so it gets its own nDelius: a new database in the session's
cluster, loaded with the contract, seeded small and migrated; the shared database the
other tests read is never touched. Callers are a practitioner (a real USER_ login) and
two CRC partner clients (each with the USER_ row nDelius names after its client id).
Inputs mix real and foreign CRNs, limited-access cases, contacts of other cases, stale
and negative versions, odd and far times, huge and empty strings, unknown codes, and
idempotency keys reused with other inputs.

Each response must be no 5xx with coded, masked errors only; a returned contact must be
the one written to (its CRN, or the contact id asked for) and readable by the caller.
After the run the database must agree: every contact row created is one a response
reported, on a case its writer may write to, with its idempotency claim, and every
claim has its row.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from hypothesis import strategies as st

from adapters.delius import DeliusAdapter
from adapters.delius.migrate import migrate, refresh_search
from api.app import create_app
from api.settings import Secret, Settings
from resolvers.context import Backends
from resolvers.viewer import Role
from sandbox.ndelius.load import load_contract
from sandbox.ndelius.seed import seed_database
from sandbox.postgres import TemporaryPostgres
from tests.conftest import Tokens, create_database, in_process
from tests.drawn_up_front import draw_up_front
from tests.security.fuzz_oracle import judge
from tests.writes.conftest import NOTE, OUTCOME, SCHEDULE, add_gateway_user
from tests.writes.fuzz_writes_values import (
    MALFORMED_INSTANTS,
    Contact,
    World,
    note_inputs,
    outcome_inputs,
    schedule_inputs,
)

SEED = 20261201
EXAMPLES = 250
OFFENDERS = 100
LONDON = ZoneInfo("Europe/London")
CREATES = ("scheduleAppointment", "addCaseNote")
DOCUMENTS = {
    "scheduleAppointment": SCHEDULE,
    "addCaseNote": NOTE,
    "recordAppointmentOutcome": OUTCOME,
}
SEEN = """query($crn: ID!) { case(crn: $crn) { crn access { userExcluded userRestricted } } }"""


@dataclass(frozen=True)
class Writer:
    """One caller of the run: its token, and the provider it is confined to (if a partner)."""

    name: str
    client_id: str
    headers: dict[str, str]
    provider: str | None = None


Request = tuple[Writer, str, dict[str, Any]]
"""A caller, a mutation and its input."""


@dataclass
class Playground:
    """The fuzzer's own database, the app over it, and what the fuzzer may draw from."""

    dsn: str
    http: httpx.AsyncClient
    world: World
    writers: tuple[Writer, ...]
    held: dict[str, frozenset[str]]
    """CRNs each partner provider holds (live, unlimited, current manager)."""
    first_new_contact: int
    created: dict[int, str] = field(default_factory=dict)
    """Contact ids the responses reported as newly created, by writer name."""


HOLDERS = """
SELECT btrim(o.crn) AS crn, btrim(pa.code) AS provider, pa.private = 1 AS private,
       (o.current_exclusion = 1 OR o.current_restriction = 1) AS limited
FROM offender o
JOIN offender_manager om ON om.offender_id = o.offender_id AND om.active_flag = 1
     AND om.soft_deleted = 0
JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
WHERE o.soft_deleted = 0
  AND (SELECT count(*) FROM offender d WHERE d.crn = o.crn AND d.soft_deleted = 0) = 1
"""

CONTACTS = """
SELECT c.contact_id, btrim(o.crn) AS crn, c.row_version, ct.attendance_contact = 'Y' AS appt
FROM contact c JOIN offender o USING (offender_id)
JOIN r_contact_type ct USING (contact_type_id)
WHERE c.soft_deleted = 0 AND o.soft_deleted = 0
ORDER BY c.contact_id
"""


async def world_of(sql: Any) -> tuple[World, dict[str, frozenset[str]]]:
    """The inputs' raw material, and which CRNs each partner provider holds."""
    rows = await sql.fetch(HOLDERS)
    held: dict[str, set[str]] = {}
    for r in rows:
        if r["private"] and not r["limited"]:
            held.setdefault(r["provider"], set()).add(r["crn"])
    contacts = [
        Contact(r["contact_id"], r["crn"], r["row_version"], r["appt"])
        for r in await sql.fetch(CONTACTS)
    ]
    appointments = [c for c in contacts if c.appointment]

    async def column(query: str) -> tuple[str, ...]:
        return tuple(sorted({str(v[0]).strip() for v in await sql.fetch(query) if v[0]}))

    world = World(
        staff_crns=tuple(sorted(r["crn"] for r in rows if not r["private"] and not r["limited"])),
        partner_crns=tuple(sorted(c for crns in held.values() for c in crns)),
        limited_crns=tuple(sorted(r["crn"] for r in rows if r["limited"])),
        contacts=tuple(appointments[::7][:60] + [c for c in contacts if not c.appointment][:10]),
        appointment_types=await column(
            "SELECT code FROM r_contact_type WHERE attendance_contact = 'Y' ORDER BY code LIMIT 8"
        ),
        note_types=await column(
            "SELECT code FROM r_contact_type WHERE attendance_contact = 'N' ORDER BY code LIMIT 8"
        ),
        other_types=("EAPP",),
        outcomes=await column("SELECT code FROM r_contact_outcome_type"),
        staff_codes=await column("SELECT officer_code FROM staff ORDER BY staff_id LIMIT 10"),
        team_codes=await column("SELECT code FROM team ORDER BY team_id LIMIT 10"),
        office_codes=await column("SELECT code FROM office_location ORDER BY 1 LIMIT 10"),
    )
    return world, {p: frozenset(c) for p, c in held.items()}


@pytest.fixture(scope="module")
async def playground(
    postgres: TemporaryPostgres, settings: Settings, tokens: Tokens
) -> AsyncIterator[Playground]:
    """A freshly seeded nDelius for this module alone, and the app over it."""
    dsn = await create_database(postgres, f"fuzzwrites_{uuid.uuid4().hex[:8]}")
    await load_contract(dsn)
    await seed_database(dsn, offenders=OFFENDERS, seed=SEED % 1000)
    await migrate(dsn)
    await refresh_search(dsn)
    sql = await asyncpg.connect(dsn)
    try:
        await sql.execute("SET timezone = 'Europe/London'")
        world, held = await world_of(sql)
        providers = sorted(held, key=lambda p: (-len(held[p]), p))[:2]
        assert len(providers) == 2, "the seed must give two CRCs cases"
        login = await sql.fetchval(
            "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL "
            "AND end_date IS NULL ORDER BY user_id LIMIT 1"
        )
        writers = [
            Writer(
                "staff",
                "casegraph-tests",
                tokens.header(roles=(Role.READ_CASES, Role.WRITE_CONTACTS), username=login),
            )
        ]
        for provider in providers:
            client_id = f"crc-{provider.lower()}-fuzz"
            await add_gateway_user(sql, client_id)
            headers = tokens.header(
                roles=(Role.PARTNER, Role.WRITE_CONTACTS), client_id=client_id, provider=provider
            )
            writers.append(Writer(provider, client_id, headers, provider))
        first_new = await sql.fetchval("SELECT last_value + 1 FROM contact_id_seq")
    finally:
        await sql.close()
    adapter = await DeliusAdapter.connect(dsn)
    app = create_app(
        dataclasses.replace(settings, delius_dsn=Secret(dsn)), backends=Backends(delius=adapter)
    )
    try:
        async with in_process(app) as http:
            yield Playground(dsn, http, world, tuple(writers), held, first_new)
    finally:
        await adapter.aclose()


def requests(ground: Playground) -> st.SearchStrategy[Request]:
    """A caller (staff half the time), a mutation and its input."""
    now = datetime.now(LONDON)
    world = ground.world
    staff, *partners = ground.writers
    writers = st.sampled_from([staff, staff, *partners])
    operations = st.one_of(
        st.tuples(st.just("scheduleAppointment"), schedule_inputs(world, now)),
        st.tuples(st.just("addCaseNote"), note_inputs(world)),
        st.tuples(st.just("recordAppointmentOutcome"), outcome_inputs(world)),
    )
    return st.builds(lambda w, op: (w, *op), writers, operations)


def canonical(crn: str) -> str:
    return crn.strip().upper()


async def check_contact(
    ground: Playground, sql: Any, writer: Writer, operation: str, sent: dict[str, Any],
    result: dict[str, Any],
) -> str:  # fmt: skip
    """A returned contact is the one written to, and the caller may read its case."""
    contact_id = int(result["contact"]["id"])
    crn = await sql.fetchval(
        "SELECT btrim(o.crn) FROM contact c JOIN offender o USING (offender_id) "
        "WHERE c.contact_id = $1",
        contact_id,
    )
    assert crn is not None, f"{operation} returned contact {contact_id} that has no row"
    if operation in CREATES:
        assert crn == canonical(sent["crn"]), (operation, sent["crn"], crn)
    else:
        assert str(contact_id) == sent["contactId"].strip(), (sent, result)
    if writer.provider is not None:
        assert crn in ground.held[writer.provider], f"{writer.name} wrote to {crn}"
    read = await ground.http.post(
        "/graphql", json={"query": SEEN, "variables": {"crn": crn}}, headers=writer.headers
    )
    case = read.json()["data"]["case"]
    assert case is not None, f"{writer.name} wrote to {crn} but may not read it"
    assert case["access"] == {"userExcluded": False, "userRestricted": False}, (crn, case)
    return crn


def generated(ground: Playground) -> list[Request]:
    """The run's requests, drawn by hypothesis up front with a fixed seed.

    Writes change the database, so a failing example would not replay alike: the inputs
    are drawn first and sent in order, and a failure names the request that broke.
    """
    drawn = draw_up_front(requests(ground), fixed_seed=SEED, examples=EXAMPLES)
    assert len(drawn) >= EXAMPLES * 9 // 10, len(drawn)
    return drawn


async def send(
    ground: Playground, sql: Any, tally: Counter[str], writer: Writer, operation: str,
    sent: dict[str, Any],
) -> None:  # fmt: skip
    """Send one mutation and judge its response."""
    response = await ground.http.post(
        "/graphql",
        json={"query": DOCUMENTS[operation], "variables": {"input": sent}},
        headers=writer.headers,
    )
    verdict = judge(response.status_code, response.text)
    assert not verdict.problems, f"{writer.name} {operation} {sent}\n{verdict.problems}"
    tally[f"status {response.status_code}"] += 1
    result = ((verdict.body or {}).get("data") or {}).get(operation)
    if not result:
        for error in (verdict.body or {}).get("errors") or []:
            tally[error["extensions"]["code"]] += 1
        return
    for problem in result["problems"]:
        tally[problem["code"]] += 1
        tally[f"{problem['field']}:{problem['code']}"] += 1
    if result["contact"] is None:
        assert result["problems"], f"{operation} {sent}: neither contact nor problems"
        return
    await check_contact(ground, sql, writer, operation, sent, result)
    if result["problems"]:  # a stale version: the contact as it is now, not written
        assert [p["code"] for p in result["problems"]] == ["CONFLICT"], result
        return
    tally[f"{writer.name if writer.provider is None else 'partner'} wrote"] += 1
    if operation in CREATES and not result["replayed"]:
        ground.created[int(result["contact"]["id"])] = writer.name
    tally["replayed"] += bool(result["replayed"])


async def test_generated_writes_stay_within_the_rules(playground: Playground) -> None:
    ground = playground
    tally: Counter[str] = Counter()
    sql = await asyncpg.connect(ground.dsn)
    try:
        for writer, operation, sent in generated(ground):
            await send(ground, sql, tally, writer, operation, sent)
        await check_database(ground, sql)
    finally:
        await sql.close()
    # The run exercised both sides: writes that landed and refusals of every kind.
    assert tally["staff wrote"] >= 3, tally
    assert tally["partner wrote"] >= 1, tally
    assert tally["IDEMPOTENCY_KEY_REUSED"] >= 1, tally
    assert tally["NOT_FOUND"] >= 1, tally
    assert tally["INVALID_INPUT"] >= 5, tally


async def check_database(ground: Playground, sql: Any) -> None:
    """Every row the run created was reported, is the writer's to write, and has its claim;
    every claim of a create has its row."""
    rows = await sql.fetch(
        """SELECT c.contact_id, btrim(o.crn) AS crn, u.distinguished_name AS author
           FROM contact c JOIN offender o USING (offender_id)
           JOIN user_ u ON u.user_id = c.created_by_user_id
           WHERE c.contact_id >= $1""",
        ground.first_new_contact,
    )
    created = {r["contact_id"]: r for r in rows}
    assert set(created) == set(ground.created), "rows created that no response reported"
    claims = await sql.fetch(
        "SELECT client_id, operation, crn, contact_id FROM casegraph.idempotency"
    )
    made = {c["contact_id"]: c for c in claims if c["operation"] in CREATES}
    assert set(made) == set(created), "claims and created rows differ"
    writers = {w.client_id: w for w in ground.writers}
    for contact_id, claim in made.items():
        assert claim["crn"] == created[contact_id]["crn"], (claim, created[contact_id])
        writer = writers[claim["client_id"]]
        assert ground.created[contact_id] == writer.name, (claim, ground.created[contact_id])
        if writer.provider is not None:
            assert claim["crn"] in ground.held[writer.provider], claim
            assert created[contact_id]["author"] == writer.client_id
    for claim in claims:
        writer = writers[claim["client_id"]]
        if claim["operation"] not in CREATES and writer.provider is not None:
            assert claim["crn"] in ground.held[writer.provider], claim


# Found by this fuzzer, and fixed: kept as regression tests.


@pytest.mark.parametrize("start", MALFORMED_INSTANTS)
async def test_a_malformed_date_time_variable_is_a_coded_input_error(
    playground: Playground, start: str
) -> None:
    staff = playground.writers[0]
    sent = {"crn": playground.world.staff_crns[0], "typeCode": "COPT", "start": start,
            "idempotencyKey": f"fuzz-{uuid.uuid4()}"}  # fmt: skip
    response = await playground.http.post(
        "/graphql", json={"query": SCHEDULE, "variables": {"input": sent}}, headers=staff.headers
    )
    verdict = judge(response.status_code, response.text)
    assert verdict.problems == ()
    codes = [error["extensions"]["code"] for error in response.json()["errors"]]
    assert codes == ["BAD_USER_INPUT"]


async def test_a_nul_in_an_input_is_refused_as_a_problem(playground: Playground) -> None:
    staff = playground.writers[0]
    sent = {"crn": playground.world.staff_crns[0], "typeCode": "CT\x00B", "notes": "x",
            "idempotencyKey": f"fuzz-{uuid.uuid4()}"}  # fmt: skip
    response = await playground.http.post(
        "/graphql", json={"query": NOTE, "variables": {"input": sent}}, headers=staff.headers
    )
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["addCaseNote"]["problems"], body

"""The topology on loopback under a load through the gateway: kills and restarts lose none.

Gateway (Apollo, Node) -> HAProxy (Debian) -> three ``casegraph serve`` processes -> a
PostgreSQL primary with a streaming standby. While requests flow through the gateway:

- one process is killed with SIGKILL: fewer than 0.1% of requests fail, and none sent
  after HAProxy has marked it down;
- all three are restarted one by one with SIGTERM: each leaves the rotation (its /ready
  answers 503) while it still runs, then exits, and no request fails;
- a write retried with its idempotency key on another process replays the first answer.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest

from resolvers.viewer import Role
from sandbox.cluster.haproxy import SERVERS, haproxy_missing
from sandbox.cluster.topology import (
    GATEWAY_DIR,
    Topology,
    TopologyOptions,
    gateway_missing,
    start_topology,
)
from tests.cluster.load import Load
from tests.writes.conftest import NOTE, cases

MISSING = haproxy_missing() or gateway_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

JUDGED_REQUESTS = 1000  # enough that 0.1% of them is one request

LIVE_CASES = """
SELECT DISTINCT crn FROM offender
WHERE soft_deleted = 0 AND current_exclusion = 0 AND current_restriction = 0
ORDER BY crn LIMIT 60
"""


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    with start_topology(TopologyOptions(offenders=200, seed=7, drain_seconds=4.0)) as running:
        yield running


@pytest.fixture(scope="module")
async def crns(topology: Topology) -> list[str]:
    connection = await asyncpg.connect(topology.primary.dsn)
    try:
        return [row["crn"].strip() for row in await connection.fetch(LIVE_CASES)]
    finally:
        await connection.close()


@pytest.fixture
async def load(topology: Topology, crns: list[str]) -> AsyncIterator[Load]:
    running = Load(topology.gateway_url, f"Bearer {topology.token()}", crns)
    running.start()
    yield running
    await running.stop()


def wait_until(topology: Topology, states: dict[str, str]) -> float:
    """Block until HAProxy shows ``states``; return when it did (monotonic seconds)."""
    assert topology.haproxy is not None
    topology.haproxy.wait_states(states)
    return time.monotonic()


async def test_sigkill_costs_only_the_requests_that_process_held(
    topology: Topology, load: Load
) -> None:
    await load.run_for(3)
    topology.kill_replica(0)
    noticed = await asyncio.to_thread(wait_until, topology, {SERVERS[0]: "DOWN"})
    await load.run_for(2)
    await load.run_until(JUDGED_REQUESTS)
    outcomes = await load.stop()

    failed = load.failures()
    assert len(failed) < 0.001 * len(outcomes), failed[:5]
    assert load.failures(after=noticed) == []
    served_after = [o for o in outcomes if o.sent >= noticed and o.problem is None]
    assert served_after, "nothing was served by the other two processes"

    await asyncio.to_thread(topology.start_replica, 0)
    await asyncio.to_thread(wait_until, topology, {SERVERS[0]: "UP"})


async def test_rolling_restart_with_sigterm_loses_no_request(
    topology: Topology, load: Load
) -> None:
    await asyncio.to_thread(wait_until, topology, dict.fromkeys(SERVERS, "UP"))
    await load.run_for(2)
    for index, server in enumerate(SERVERS):
        replica = topology.replicas[index]
        replica.terminate()
        await asyncio.to_thread(wait_until, topology, {server: "DOWN"})
        assert replica.running, "the process stopped before the load balancer moved away"
        exit_code = await asyncio.to_thread(topology.stop_replica, index)
        assert exit_code in (0, -15), replica.log_tail()
        await asyncio.to_thread(topology.start_replica, index)
        await asyncio.to_thread(wait_until, topology, {server: "UP"})
    await load.run_for(2)
    outcomes = await load.stop()

    assert len(outcomes) > 200, "too little load to judge"
    assert load.failures() == [], load.failures()[:5]


async def test_a_write_retried_on_another_process_replays(topology: Topology) -> None:
    connection = await asyncpg.connect(topology.primary.dsn)
    try:
        case = (await cases(connection))[0]
        login = await connection.fetchval(
            "SELECT distinguished_name FROM user_ WHERE staff_id IS NOT NULL "
            "AND end_date IS NULL ORDER BY user_id LIMIT 1"
        )
    finally:
        await connection.close()
    token = topology.token(Role.READ_CASES, Role.WRITE_CONTACTS, username=str(login).upper())
    note = {"crn": case.crn, "typeCode": "CTOB", "notes": "Seen at the office.",
            "idempotencyKey": f"cluster-{uuid.uuid4()}"}  # fmt: skip
    request = {"query": NOTE, "variables": {"input": note}}

    answers = []
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        for url in (
            f"{topology.replica_url(0)}/graphql",
            f"{topology.replica_url(1)}/graphql",
            f"{topology.replica_url(2)}/graphql",
            topology.gateway_url,
        ):
            response = await http.post(url, json=request, timeout=30.0)
            assert response.status_code == 200, response.text
            answers.append(response.json()["data"]["addCaseNote"])

    first, *retries = answers
    assert (first["replayed"], first["problems"]) == (False, [])
    assert [r["replayed"] for r in retries] == [True, True, True]
    assert {r["contact"]["id"] for r in answers} == {first["contact"]["id"]}


def test_the_supergraph_composes_ahead_of_time_for_the_gateway(topology: Topology) -> None:
    """deploy/gateway/compose.mjs writes the supergraph an operator reviews and serves."""
    done = subprocess.run(
        ["node", "compose.mjs"], cwd=GATEWAY_DIR, env=topology.gateway_env(),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    supergraph = done.stdout
    assert 'join__graph(name: "casegraph"' in supergraph
    assert 'join__graph(name: "partner"' in supergraph
    assert "partnerNotes: [String!]! @join__field(graph: PARTNER)" in supergraph

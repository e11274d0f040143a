"""Run from the demo's folder, every command uses the demo's database with nothing exported.

The demo's PostgreSQL listens on a random port; the demo records it in its folder, and
``audit``, ``deliveries``, ``migrate``, ``refresh-search``, ``seed`` and ``token`` find it
there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api.local_demo import DemoState
from tests.demo.running import RunningDemo, casegraph, ready_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningDemo, DemoState]]:
    with ready_demo(tmp_path_factory.mktemp("demo-folder")) as started:
        yield started


def _community_crn(demo: RunningDemo) -> str:
    found = re.search(r"community order, NPS:\s+(\S+)", demo.text())
    assert found is not None
    return found.group(1)


def test_migrate_and_refresh_search_use_the_demos_database(
    demo: tuple[RunningDemo, DemoState],
) -> None:
    running, _ = demo
    migrated = casegraph(running.folder, "migrate")
    assert (migrated.returncode, migrated.stdout) == (0, "applied: nothing (up to date)\n")
    refreshed = casegraph(running.folder, "refresh-search")
    assert (refreshed.returncode, refreshed.stderr) == (0, "")


def test_a_token_minted_beside_the_demo_reads_a_case_and_audit_lists_the_read(
    demo: tuple[RunningDemo, DemoState],
) -> None:
    running, state = demo
    minted = casegraph(running.folder, "token", "--user", "jbloggs", "--client-id", "cli-test")
    assert minted.returncode == 0, minted.stderr
    crn = _community_crn(running)
    response = httpx.post(
        f"http://127.0.0.1:{state.api_port}/graphql",
        json={
            "query": "query Look($crn: ID!) { case(crn: $crn) { crn } }",
            "variables": {"crn": crn},
        },
        headers={"Authorization": f"Bearer {minted.stdout.strip()}"},
        timeout=30,
    )
    assert response.json() == {"data": {"case": {"crn": crn}}}
    audit = casegraph(running.folder, "audit", "--crn", crn)
    assert audit.returncode == 0, audit.stderr
    assert "client=cli-test" in audit.stdout
    assert "operation=Look" in audit.stdout


def test_deliveries_lists_the_demos_webhook_queues(demo: tuple[RunningDemo, DemoState]) -> None:
    running, _ = demo
    listed = casegraph(running.folder, "deliveries")
    assert listed.returncode == 0, listed.stderr
    header, *partners = listed.stdout.splitlines()
    assert header.split()[:5] == ["partner", "position", "pending", "delivered", "dead"]
    assert {line.split()[0] for line in partners if line[:1] == "C"} >= {"C01", "C02"}


def test_seed_reaches_the_demos_database(demo: tuple[RunningDemo, DemoState]) -> None:
    running, state = demo
    seeded = casegraph(running.folder, "seed", "--offenders", "10")
    # The demo's database is seeded already: the refusal names it (and nothing else).
    assert seeded.returncode == 1
    port = urlsplit(state.dsn).port
    assert seeded.stderr == (
        f"casegraph: ndelius on 127.0.0.1:{port} already holds seeded data; seed an empty "
        "database (with --load-contract) or pass another --dsn\n"
    )


def test_a_folder_without_a_demo_does_not_borrow_it(
    demo: tuple[RunningDemo, DemoState], tmp_path: Path
) -> None:
    elsewhere = casegraph(tmp_path, "migrate")
    assert elsewhere.returncode == 1
    assert "5432" in elsewhere.stderr

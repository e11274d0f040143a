"""The adapter against a SOAP server that is not ours: node-soap serving the same WSDL.

Run ``npm ci`` in tests/oasys/node first; without Node or node_modules the tests skip.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from adapters.errors import BackendRejected, BackendUnavailable
from adapters.oasys.records import AssessmentRecord, GroupRiskRecord, ScoreRecord
from sandbox.processes import stop_process
from tests.oasys.conftest import ClientFactory

NODE_DIR = Path(__file__).with_name("node")
STARTUP_SECONDS = 15.0

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def node_url() -> Iterator[str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (NODE_DIR / "node_modules" / "soap").is_dir():
        pytest.skip("tests/oasys/node/node_modules is missing: run `npm ci` there")
    process = subprocess.Popen(
        [node, "server.js", "0"], cwd=NODE_DIR, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        line = ""
        while not line.startswith("listening") and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert line.startswith("listening"), "the node-soap server did not start"
        yield f"http://127.0.0.1:{int(line.split()[1])}/oasys"
    finally:
        stop_process(process, 5)
        if process.stdout is not None:
            process.stdout.close()


async def test_happy_path(make_client: ClientFactory, node_url: str) -> None:
    client = await make_client(node_url)
    rosh = await client.risk_of_serious_harm("N000001")
    assert rosh is not None
    assert rosh.assessment_id == "5550001"
    assert rosh.assessed_on == date(2025, 7, 15)  # 23:30 UTC is past midnight in London (BST)
    assert rosh.overall_level == "HIGH"
    assert rosh.community == (
        GroupRiskRecord("CHILDREN", "MEDIUM"),
        GroupRiskRecord("PUBLIC", "HIGH"),
    )
    assert rosh.custody == (GroupRiskRecord("PRISONERS", "LOW"),)
    assert rosh.risk_flags == "MNHNNNNNL"
    predictors = await client.predictor_scores("N000001")
    assert predictors is not None
    assert predictors.ogrs == ScoreRecord(21.5, 34.25, "LOW")
    assert predictors.ogp is None
    assert predictors.ovp == ScoreRecord(10.0, 18.75, "LOW")
    assert predictors.rsr == ScoreRecord(None, 4.2, "MEDIUM")
    assert await client.assessments("N000001") == (
        AssessmentRecord(
            "5550001",
            "LAYER3",
            "COMPLETE",
            2,
            date(2025, 7, 1),
            date(2025, 7, 15),
            "Jane Okafor",
            41,
        ),
        AssessmentRecord(
            "5540007",
            "STANDALONE",
            "LOCKED_INCOMPLETE",
            None,
            date(2024, 1, 10),
            date(2024, 1, 20),
            "Tom Hughes",
            None,
        ),
    )


async def test_known_with_nothing_and_unknown_are_none(
    make_client: ClientFactory, node_url: str
) -> None:
    client = await make_client(node_url)
    for crn in ("N000002", "N999999"):
        assert await client.risk_of_serious_harm(crn) is None
        assert await client.predictor_scores(crn) is None
        assert await client.assessments(crn) is None


async def test_malformed_crn_is_rejected(make_client: ClientFactory, node_url: str) -> None:
    client = await make_client(node_url)
    with pytest.raises(BackendRejected):
        await client.assessments("nope")


async def test_non_retryable_service_fault(make_client: ClientFactory, node_url: str) -> None:
    client = await make_client(node_url)
    with pytest.raises(BackendUnavailable):
        await client.risk_of_serious_harm("N000500")
    assert client.guard.breaker.state.value == "closed"  # one failure, below the threshold

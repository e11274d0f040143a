"""The adapter against the stand-in over loopback HTTP: answers, not-found, faults, timeouts."""

from __future__ import annotations

import asyncio
import socket

import pytest

from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable
from adapters.oasys.client import OasysClient
from sandbox.oasys import OasysDataset, OasysServer
from tests.oasys import expected
from tests.oasys.conftest import ClientFactory

OPERATIONS = ("risk_of_serious_harm", "predictor_scores", "assessments")


async def test_records_equal_the_dataset(client: OasysClient, dataset: OasysDataset) -> None:
    crns = sorted(dataset.offenders)
    rosh = await asyncio.gather(*(client.risk_of_serious_harm(c) for c in crns))
    predictors = await asyncio.gather(*(client.predictor_scores(c) for c in crns))
    assessments = await asyncio.gather(*(client.assessments(c) for c in crns))
    for crn, r, p, a in zip(crns, rosh, predictors, assessments, strict=True):
        offender = dataset.offenders[crn]
        assert r == expected.rosh(offender), crn
        assert p == expected.predictors(offender), crn
        assert a == expected.assessments(offender), crn
    assert sum(r is not None for r in rosh) > len(crns) // 2  # the data is not all empty


async def test_dates_are_london_calendar_days(client: OasysClient, dataset: OasysDataset) -> None:
    """An assessment done just after midnight in London in summer is the previous day in UTC."""
    shifted = [
        (crn, a)
        for crn, o in dataset.offenders.items()
        for a in o.assessments
        if a.completed.date() != expected.day(a.completed)
    ]
    assert shifted, "the dataset should hold a time that crosses midnight"
    crn, assessment = shifted[0]
    records = await client.assessments(crn)
    assert records is not None
    record = next(r for r in records if r.id == str(assessment.assessment_id))
    assert record.completed_date == expected.day(assessment.completed)
    assert record.completed_date != assessment.completed.date()


async def test_known_person_with_nothing_is_none(
    client: OasysClient, dataset: OasysDataset
) -> None:
    empty = [crn for crn, o in dataset.offenders.items() if not o.assessments]
    assert empty
    for name in OPERATIONS:
        assert await getattr(client, name)(empty[0]) is None


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_unknown_crn_is_none(client: OasysClient, operation: str) -> None:
    assert await getattr(client, operation)("Z999999") is None


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_malformed_crn_is_rejected_without_tripping_the_breaker(
    make_client: ClientFactory, server: OasysServer, operation: str
) -> None:
    client = await make_client(breaker_failures=2)
    for _ in range(3):
        with pytest.raises(BackendRejected) as caught:
            await getattr(client, operation)("not-a-crn")
        assert caught.value.source == "oasys"
        assert "not-a-crn" not in str(caught.value)
    assert sum(server.state.calls.values()) == 3  # a rejection is never retried
    assert await getattr(client, operation)("X100000") is not None  # breaker still closed


async def test_slow_past_the_budget_times_out(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client(timeout=0.2, deadline=0.3)
    server.control(latency_ms=2000)
    with pytest.raises(BackendTimeout) as caught:
        await client.risk_of_serious_harm("X100001")
    assert caught.value.source == "oasys"


async def test_hanging_service_times_out(make_client: ClientFactory, server: OasysServer) -> None:
    client = await make_client(timeout=0.2, deadline=0.3)
    server.control(hang=True)
    with pytest.raises(BackendTimeout):
        await client.assessments("X100001")


async def test_dropped_connection_is_unavailable(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client()
    server.control(down=True)
    with pytest.raises(BackendUnavailable) as caught:
        await client.predictor_scores("X100002")
    assert not isinstance(caught.value, BackendTimeout)
    assert server.state.calls["GetPredictorScores"] == 3  # retried within the deadline
    assert "X100002" not in str(caught.value)


async def test_refused_connection_is_unavailable(make_client: ClientFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = await make_client(f"http://127.0.0.1:{port}/oasys")
    with pytest.raises(BackendUnavailable) as caught:
        await client.risk_of_serious_harm("X100003")
    assert not isinstance(caught.value, BackendTimeout)
    assert str(caught.value) == "oasys: ClientConnectorError"  # what failed, for the logs


async def test_breaker_opens_then_half_opens_and_closes(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client(breaker_failures=3, breaker_reset=0.3)
    server.control(error_rate=1.0)
    with pytest.raises(BackendUnavailable):
        await client.risk_of_serious_harm("X100004")  # three attempts, three failures
    assert server.state.calls["GetRiskOfSeriousHarm"] == 3
    assert client.guard.breaker.state.value == "open"
    with pytest.raises(BackendUnavailable, match="circuit open"):
        await client.risk_of_serious_harm("X100004")
    assert server.state.calls["GetRiskOfSeriousHarm"] == 3  # failed fast, nothing sent
    server.control(reset=True)
    for _ in range(100):  # bounded wait for the pause to pass
        if client.guard.breaker.state.value == "half_open":
            break
        await asyncio.sleep(0.02)
    assert client.guard.breaker.state.value == "half_open"
    assert await client.risk_of_serious_harm("X100004") is not None
    assert client.guard.breaker.state.value == "closed"
    assert server.state.calls["GetRiskOfSeriousHarm"] == 4


async def test_breaker_reopens_when_the_trial_fails(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client(breaker_failures=1, breaker_reset=0.2)
    server.control(fail_next=1, fail_retryable=False)
    with pytest.raises(BackendUnavailable):
        await client.assessments("X100005")
    for _ in range(100):
        if client.guard.breaker.state.value == "half_open":
            break
        await asyncio.sleep(0.02)
    server.control(fail_next=1, fail_retryable=False)
    with pytest.raises(BackendUnavailable):
        await client.assessments("X100005")
    assert client.guard.breaker.state.value == "open"


async def test_retryable_service_fault_is_retried(
    make_client: ClientFactory, server: OasysServer, dataset: OasysDataset
) -> None:
    client = await make_client()
    server.control(fail_next=2, fail_retryable=True)
    record = await client.risk_of_serious_harm("X100006")
    assert record == expected.rosh(dataset.offenders["X100006"])
    assert server.state.calls["GetRiskOfSeriousHarm"] == 3


async def test_error_rate_exhausts_the_retries(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client()
    server.control(error_rate=1.0)
    with pytest.raises(BackendUnavailable):
        await client.assessments("X100006")
    assert server.state.calls["GetAssessmentSummaries"] == 3


async def test_non_retryable_service_fault_is_not_retried(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client()
    server.control(fail_next=1, fail_retryable=False)
    with pytest.raises(BackendUnavailable) as caught:
        await client.predictor_scores("X100007")
    assert not isinstance(caught.value, BackendTimeout)
    assert server.state.calls["GetPredictorScores"] == 1


async def test_cache_answers_repeats(make_client: ClientFactory, server: OasysServer) -> None:
    client = await make_client(cache_seconds=30)
    first = await client.risk_of_serious_harm("X100008")
    again = await client.risk_of_serious_harm("X100008")
    assert first == again
    assert first is not None
    assert await client.risk_of_serious_harm("Z999999") is None
    assert await client.risk_of_serious_harm("Z999999") is None  # "unknown" is cached too
    await client.predictor_scores("X100008")
    assert server.state.calls["GetRiskOfSeriousHarm"] == 2
    assert server.state.calls["GetPredictorScores"] == 1


async def test_failures_are_not_cached(make_client: ClientFactory, server: OasysServer) -> None:
    client = await make_client(cache_seconds=30)
    server.control(fail_next=1, fail_retryable=False)
    with pytest.raises(BackendUnavailable):
        await client.assessments("X100009")
    assert await client.assessments("X100009") is not None
    assert server.state.calls["GetAssessmentSummaries"] == 2


async def test_concurrent_calls_share_one_request(
    make_client: ClientFactory, server: OasysServer
) -> None:
    client = await make_client(cache_seconds=0)
    server.control(latency_ms=100)
    results = await asyncio.gather(*(client.assessments("X100011") for _ in range(20)))
    assert all(r == results[0] for r in results)
    assert results[0] is not None
    assert server.state.calls["GetAssessmentSummaries"] == 1

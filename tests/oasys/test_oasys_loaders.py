"""OasysLoaders over the real adapter and stand-in: one SOAP call per CRN, concurrently."""

from __future__ import annotations

import asyncio

import pytest

from resolvers import risk
from resolvers.errors import ErrorCode, PublicError
from sandbox.oasys import OasysDataset, OasysServer
from tests.oasys import expected
from tests.oasys.conftest import ClientFactory


async def test_fifty_crns_make_fifty_concurrent_calls_per_operation(
    make_client: ClientFactory, server: OasysServer, dataset: OasysDataset
) -> None:
    client = await make_client(cache_seconds=30)
    crns = sorted(dataset.offenders)[:50]
    server.control(latency_ms=20)
    loaders = risk.OasysLoaders(client)
    rosh, predictors, assessments = await asyncio.gather(
        asyncio.gather(*(risk.risk_of_serious_harm(loaders, c) for c in crns)),
        asyncio.gather(*(risk.predictor_scores(loaders, c) for c in crns)),
        asyncio.gather(*(risk.assessments(loaders, c) for c in crns)),
    )
    # Asking again within the request is answered by the loaders, not by OASys.
    again = await asyncio.gather(*(risk.risk_of_serious_harm(loaders, c) for c in crns))
    assert again == rosh
    assert server.state.calls["GetRiskOfSeriousHarm"] == 50
    assert server.state.calls["GetPredictorScores"] == 50
    assert server.state.calls["GetAssessmentSummaries"] == 50
    assert server.state.max_in_flight > 1
    for crn, r, p, a in zip(crns, rosh, predictors, assessments, strict=True):
        assert r == expected.rosh(dataset.offenders[crn])
        assert p == expected.predictors(dataset.offenders[crn])
        assert a == expected.assessments(dataset.offenders[crn])


async def test_one_failing_crn_fails_only_its_own_field(
    client: object, dataset: OasysDataset
) -> None:
    loaders = risk.OasysLoaders(client)  # type: ignore[arg-type]
    crns = ["X100000", "bad-crn", "X100001"]
    results = await asyncio.gather(
        *(risk.risk_of_serious_harm(loaders, c) for c in crns), return_exceptions=True
    )
    assert results[0] == expected.rosh(dataset.offenders["X100000"])
    assert results[2] == expected.rosh(dataset.offenders["X100001"])
    error = results[1]
    assert isinstance(error, PublicError)
    assert error.extensions == {"code": ErrorCode.UPSTREAM_REJECTED.value, "source": "oasys"}


async def test_timeout_becomes_upstream_timeout(
    make_client: ClientFactory, server: OasysServer
) -> None:
    loaders = risk.OasysLoaders(await make_client(timeout=0.2, deadline=0.3))
    server.control(hang=True)
    with pytest.raises(PublicError) as caught:
        await risk.predictor_scores(loaders, "X100001")
    assert caught.value.extensions == {"code": "UPSTREAM_TIMEOUT", "source": "oasys"}
    assert "X100001" not in caught.value.message


async def test_outage_becomes_upstream_unavailable(
    make_client: ClientFactory, server: OasysServer
) -> None:
    loaders = risk.OasysLoaders(await make_client())
    server.control(down=True)
    with pytest.raises(PublicError) as caught:
        await risk.assessments(loaders, "X100001")
    assert caught.value.extensions == {"code": "UPSTREAM_UNAVAILABLE", "source": "oasys"}

"""The breaker, bulkhead and retry rules, with a fake clock (pure logic)."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import BackendRejected, BackendTimeout, BackendUnavailable
from adapters.resilience import BreakerState, CircuitBreaker, Guard, RetryPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_at_threshold_then_half_opens_and_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker("oasys", failure_threshold=3, reset_after=30, clock=clock)
    for _ in range(3):
        breaker.before_call()
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(BackendUnavailable):
        breaker.before_call()
    clock.now = 30.0
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.before_call()  # the one trial call
    with pytest.raises(BackendUnavailable):
        breaker.before_call()  # a second caller while the trial runs
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED


def test_a_failed_trial_reopens_the_breaker() -> None:
    clock = Clock()
    breaker = CircuitBreaker("crc:C01", failure_threshold=1, reset_after=10, clock=clock)
    breaker.before_call()
    breaker.record_failure()
    clock.now = 10.0
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN


async def test_guard_retries_idempotent_reads_until_success() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise BackendUnavailable("oasys")
        return "ok"

    guard = Guard("oasys", timeout=1, concurrency=2, retry=RetryPolicy(3, 0.001, 0.002), deadline=5)
    assert await guard.call(flaky) == "ok"
    assert calls == 3


async def test_guard_never_retries_writes_or_rejections() -> None:
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        raise BackendUnavailable("crc:C01")

    guard = Guard("crc:C01", timeout=1, concurrency=2, retry=RetryPolicy(3, 0.001, 0.002))
    with pytest.raises(BackendUnavailable):
        await guard.call(failing, idempotent=False)
    assert calls == 1

    async def rejected() -> str:
        nonlocal calls
        calls += 1
        raise BackendRejected("crc:C01")

    with pytest.raises(BackendRejected):
        await guard.call(rejected)
    assert calls == 2
    assert guard.breaker.state is BreakerState.CLOSED


async def test_guard_turns_a_slow_call_into_a_timeout() -> None:
    async def slow() -> None:
        await asyncio.sleep(5)

    guard = Guard("oasys", timeout=0.01, concurrency=1)
    with pytest.raises(BackendTimeout):
        await guard.call(slow)

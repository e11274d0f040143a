"""Guards for calls to slow or failing backends: a breaker, a bulkhead, bounded retries.

``Guard.call`` wraps one backend call:

- a concurrency cap (bulkhead), so one slow backend cannot take every connection;
- a per-call timeout, turned into ``BackendTimeout``;
- a circuit breaker: after ``failure_threshold`` consecutive failures it opens and fails
  fast for ``reset_after`` seconds, then lets one trial call through (half-open);
- retries with jittered exponential backoff, for idempotent reads only, and only while
  the overall deadline leaves room for another attempt.

Only ``BackendUnavailable`` (and timeouts) count as failures; ``BackendRejected`` means the
backend is healthy and said no, so it neither trips the breaker nor is retried.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, TypeVar, runtime_checkable

from adapters.errors import BackendTimeout, BackendUnavailable
from adapters.metrics import BREAKER_STATE, record_call

T = TypeVar("T")


class BreakerState(Enum):
    """Where a circuit breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures; opens at a threshold and half-opens after a pause."""

    def __init__(
        self,
        source: str,
        *,
        failure_threshold: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False
        self._published: BreakerState | None = None
        self.publish()

    def publish(self) -> BreakerState:
        """The current state, also set on the breaker-state gauge when it changed."""
        state = self.state
        if state is not self._published:
            for each in BreakerState:
                BREAKER_STATE.labels(self.source, each.value).set(1 if each is state else 0)
            self._published = state
        return state

    @property
    def state(self) -> BreakerState:
        """The current state, moving from open to half-open once the pause is over."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_after:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def before_call(self) -> None:
        """Raise ``BackendUnavailable`` when the breaker refuses this call."""
        state = self.publish()
        if state is BreakerState.OPEN:
            raise BackendUnavailable(self.source, f"{self.source}: circuit open")
        if state is BreakerState.HALF_OPEN:
            if self._trial_in_flight:
                raise BackendUnavailable(self.source, f"{self.source}: circuit half-open")
            self._trial_in_flight = True

    def record_success(self) -> None:
        """A call succeeded: close the breaker."""
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False
        self.publish()

    def release_trial(self) -> None:
        """A half-open trial ended without telling anything about the backend's health."""
        self._trial_in_flight = False

    def record_failure(self) -> None:
        """A call failed: count it, and open (or re-open) the breaker at the threshold."""
        self._failures += 1
        was_trial = self._trial_in_flight
        self._trial_in_flight = False
        if was_trial or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self.publish()


@runtime_checkable
class Breakers(Protocol):
    """A client with circuit breakers, one per source it calls (readiness reports them)."""

    def breakers(self) -> Mapping[str, CircuitBreaker]: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently an idempotent read is retried."""

    attempts: int = 3
    base_delay: float = 0.05
    max_delay: float = 0.5

    def delay(self, attempt: int) -> float:
        """Full-jitter exponential backoff for the given retry (1 = first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling)


NO_RETRY = RetryPolicy(attempts=1)


class Guard:
    """One backend's bulkhead, timeout, breaker and retry policy, shared by its calls."""

    def __init__(
        self,
        source: str,
        *,
        timeout: float,
        concurrency: int,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy = NO_RETRY,
        deadline: float | None = None,
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker(source)
        self.retry = retry
        self.deadline = deadline if deadline is not None else timeout
        self._slots = asyncio.Semaphore(concurrency)

    async def call(
        self,
        operation: Callable[[], Awaitable[T]],
        *,
        idempotent: bool = True,
        retry_after: Callable[[BackendUnavailable], float | None] | None = None,
    ) -> T:
        """Run ``operation`` under the guard; retry idempotent reads within the deadline.

        ``retry_after`` may read a server's own wait hint (Retry-After) from the error;
        the retry then waits that long if the deadline allows, and gives up otherwise.
        """
        started = time.monotonic()
        attempts = self.retry.attempts if idempotent else 1
        attempt = 0
        while True:
            attempt += 1
            remaining = self.deadline - (time.monotonic() - started)
            try:
                return await self._attempt(operation, min(self.timeout, max(remaining, 0.001)))
            except BackendUnavailable as error:
                if attempt >= attempts:
                    raise
                hint = retry_after(error) if retry_after else None
                wait = hint if hint is not None else self.retry.delay(attempt)
                remaining = self.deadline - (time.monotonic() - started)
                if wait + 0.01 >= remaining:
                    raise
                await asyncio.sleep(wait)

    async def _attempt(self, operation: Callable[[], Awaitable[T]], budget: float) -> T:
        started = time.perf_counter()
        try:
            self.breaker.before_call()
        except BackendUnavailable as refused:
            record_call(self.source, started, refused)
            raise
        try:
            async with self._slots:
                result = await asyncio.wait_for(operation(), timeout=budget)
        except TimeoutError as error:
            self.breaker.record_failure()
            timed_out = BackendTimeout(self.source, f"{self.source}: timed out")
            record_call(self.source, started, timed_out)
            raise timed_out from error
        except BackendUnavailable as error:
            self.breaker.record_failure()
            record_call(self.source, started, error)
            raise
        except BaseException as error:
            # A rejection or cancellation says nothing about the backend's health:
            # release a half-open trial slot without counting a failure.
            self.breaker.release_trial()
            record_call(self.source, started, error)
            raise
        self.breaker.record_success()
        record_call(self.source, started, None)
        return result

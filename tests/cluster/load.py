"""A bounded closed-loop load through the gateway, recording every request's outcome and times.

Each of ``concurrency`` workers sends its next request when the last one is answered, until
told to stop. A request failed if it got no HTTP answer, a status other than 200, or a body
with GraphQL ``errors`` or without ``data``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

CASE = """query Case($crn: ID!) {
  case(crn: $crn) { crn name { surname } manager { staff { code } } partnerNotes }
}"""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request: when it was sent and answered (monotonic seconds), and what went wrong."""

    sent: float
    answered: float
    problem: str | None


@dataclass
class Load:
    """Requests for ``crns`` through ``url`` until ``stop()``; ``outcomes`` grows meanwhile."""

    url: str
    authorization: str
    crns: list[str]
    concurrency: int = 6
    outcomes: list[Outcome] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        """Start the workers in the running loop."""
        turns = itertools.cycle(self.crns)
        self._tasks = [asyncio.create_task(self._worker(turns)) for _ in range(self.concurrency)]

    async def stop(self) -> list[Outcome]:
        """Let every worker finish its request in flight, then return all outcomes."""
        self._stopping.set()
        await asyncio.wait_for(asyncio.gather(*self._tasks), timeout=60)
        return self.outcomes

    async def run_for(self, seconds: float) -> None:
        """Keep the load running for ``seconds`` more (the test's own pace, not a measurement)."""
        await asyncio.sleep(seconds)

    async def run_until(self, requests: int, *, within: float = 120.0) -> None:
        """Keep the load running until ``requests`` have been answered in all (bounded)."""
        deadline = time.monotonic() + within
        while len(self.outcomes) < requests:
            assert time.monotonic() < deadline, f"only {len(self.outcomes)} requests answered"
            await asyncio.sleep(0.2)

    def failures(self, after: float = 0.0) -> list[Outcome]:
        """Failed requests sent at or after ``after``."""
        return [o for o in self.outcomes if o.problem is not None and o.sent >= after]

    async def _worker(self, turns: itertools.cycle[str]) -> None:
        headers = {"Authorization": self.authorization}
        async with httpx.AsyncClient(headers=headers, timeout=30.0) as http:
            while not self._stopping.is_set():
                crn = next(turns)
                sent = time.monotonic()
                problem = await _send(http, self.url, crn)
                self.outcomes.append(Outcome(sent, time.monotonic(), problem))


async def _send(http: httpx.AsyncClient, url: str, crn: str) -> str | None:
    try:
        response = await http.post(url, json={"query": CASE, "variables": {"crn": crn}})
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:300]}"
    body: dict[str, Any] = response.json()
    if body.get("errors") or not (body.get("data") or {}).get("case"):
        return f"errors: {str(body)[:300]}"
    return None

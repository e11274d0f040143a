"""A capture consumer in a process of its own, for the crash and takeover tests.

``python -m tests.events.capture_process DSN [STOP_AT]`` prints each step's name as it
reaches it (``leased``, ``peeked``, ``stored``) and, at ``STOP_AT``, stops dead there so
the test can SIGKILL it at exactly that point.
"""

from __future__ import annotations

import asyncio
import sys
import time

from adapters.delius.events_feed.capture import Capture, CaptureOptions


def main() -> None:
    assert len(sys.argv) in (2, 3), "usage: python -m tests.events.capture_process DSN [STOP_AT]"
    dsn = sys.argv[1]
    stop_at = sys.argv[2] if len(sys.argv) > 2 else None

    def hook(step: str) -> None:
        print(step, flush=True)
        if step == stop_at:
            time.sleep(3600)  # blocks the loop: nothing after this point runs

    options = CaptureOptions(detail_url="http://casegraph.test/graphql", poll_seconds=0.05,
                             retry_seconds=0.5)  # fmt: skip
    asyncio.run(Capture(dsn, options, hook).run())


if __name__ == "__main__":
    main()

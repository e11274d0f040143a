"""How the demo starts beside, and stops without, leftovers.

Python ends on SIGTERM or SIGHUP without running ``finally`` blocks, and ``pg_ctl`` starts
PostgreSQL in a session of its own, so a terminal closing, a service manager, a container
stop or a CI time-out used to leave the demo's database running and its folder in /tmp.
``stop_on_signals`` turns SIGTERM, SIGINT and SIGHUP into an orderly stop: before the API
serves, the signal unwinds the demo (each part stops itself on the way out); while it
serves, uvicorn is asked to finish and the demo then unwinds the same way. A second signal
during the stop is ignored, so it cannot interrupt the database's removal.

A demo killed outright (``kill -9``) cannot clean up; its record (``api.local_demo``) names
the cluster, and ``clear_leftovers`` stops and removes it before the next demo starts.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from api.cli_errors import CommandError
from api.local_demo import read_state, remove_state
from sandbox.postgres import TemporaryPostgres

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class DemoStopped(Exception):
    """A stop signal arrived before the API was serving."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Stoppable(Protocol):
    should_exit: bool


class Stopper:
    """What a stop signal does at this moment of the demo's life."""

    def __init__(self) -> None:
        self.server: _Stoppable | None = None
        self.stopping = False
        self.received: int | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """Ask a serving API to finish, or unwind the start-up; ignore repeats."""
        self.received = self.received or signum
        if self.stopping:
            return
        if self.server is not None:
            self.server.should_exit = True
            return
        self.stopping = True
        raise DemoStopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[Stopper]:
    """Install the stop handlers for the demo's lifetime, then restore the previous ones."""
    stopper = Stopper()
    previous: dict[int, Any] = {sig: signal.signal(sig, stopper.handle) for sig in STOP_SIGNALS}
    try:
        yield stopper
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def clear_leftovers(state_file: Path) -> None:
    """Refuse to start beside a running demo; remove what a crashed one left behind."""
    state = read_state(state_file)
    if state is None:
        remove_state(state_file)
        return
    folder = Path(state.cluster_folder)
    if state.is_running() and folder.exists():
        raise CommandError(
            f"a demo is already running from this folder (pid {state.pid}, API port "
            f"{state.api_port}); stop it first, or start this one from another folder"
        )
    if TemporaryPostgres.remove_leftover(folder):
        print(f"  removed the database a stopped demo left in {folder}", flush=True)
    remove_state(state_file)

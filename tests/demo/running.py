"""``casegraph demo`` as a real process in a folder of its own, on free ports only.

The demo runs as a user would run it (``python -m api.cli demo``) with no ``CASEGRAPH_*``
variable set, from a fresh folder, so what it records there (``.casegraph/demo.json``) is
what the commands beside it find. Every wait is bounded; signals go to this process id only.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from api.local_demo import STATE_FILE, DemoState, read_state
from api.settings import PREFIX
from sandbox.postgres import free_port
from sandbox.processes import stop_process

READY_SECONDS = 120.0
STOP_SECONDS = 60.0
OFFENDERS = 300


def clean_env() -> dict[str, str]:
    """The environment without any ``CASEGRAPH_*`` setting: nothing exported."""
    return {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}


def casegraph(
    folder: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one ``casegraph`` command in ``folder`` and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=folder,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@dataclass
class RunningDemo:
    """One demo process, the folder it runs in and its captured output."""

    process: subprocess.Popen[bytes]
    folder: Path
    port: int
    output: IO[bytes]

    def text(self) -> str:
        """What the demo printed so far."""
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def state(self) -> DemoState | None:
        """What the demo recorded in its folder."""
        return read_state(self.folder / STATE_FILE)

    def wait_for(self, condition: str, seconds: float = READY_SECONDS) -> DemoState:
        """Wait until it has recorded its database (``"recorded"``) or is ready (``"ready"``)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the demo exited:\n{self.text()[-3000:]}"
            state = self.state()
            if state is not None and (
                condition == "recorded" or "Case Graph is ready" in self.text()
            ):
                return state
            time.sleep(0.1)
        raise AssertionError(f"the demo was not {condition} in time:\n{self.text()[-3000:]}")

    def signal(self, signum: int) -> int:
        """Send ``signum`` and wait for the demo to end; its exit code."""
        self.process.send_signal(signum)
        return self.process.wait(STOP_SECONDS)

    def stop(self) -> None:
        """Stop it if it still runs (SIGTERM, then SIGKILL) and release its output."""
        stop_process(self.process, STOP_SECONDS)
        self.output.close()


def start_demo(folder: Path, offenders: int = OFFENDERS) -> RunningDemo:
    """Start a small demo in ``folder`` with the API, OASys and the CRCs on free ports."""
    port = free_port()
    output = (folder / "demo-output.txt").open("w+b")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "api.cli", "demo", "--offenders", str(offenders)),
            *("--port", str(port), "--oasys-port", "0", "--crc-base-port", "0"),
        ],
        cwd=folder,
        env=clean_env(),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return RunningDemo(process, folder, port, output)


@contextlib.contextmanager
def ready_demo(folder: Path) -> Iterator[tuple[RunningDemo, DemoState]]:
    """A demo started in ``folder`` and ready to serve; stopped on the way out."""
    running = start_demo(folder)
    try:
        yield running, running.wait_for("ready")
    finally:
        running.stop()


def cluster_processes(cluster_folder: str) -> list[int]:
    """Ids of live processes whose command line names ``cluster_folder`` (its postgres)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if cluster_folder in command:
            found.append(int(entry.name))
    return found

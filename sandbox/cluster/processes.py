"""Child processes of the topology: each started on loopback, waited for, stopped by its own id.

Every wait is bounded; output goes to a file in the topology's folder, so a failure can
show the end of it. ``stop`` sends SIGTERM (the process drains, then exits) and ``kill``
SIGKILL; both act on this one process id only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

import httpx

from sandbox.processes import stop_process

STARTUP_SECONDS = 60.0
STOP_SECONDS = 30.0


class ChildError(RuntimeError):
    """A child process did not start or did not stop in time."""


class Child:
    """One process of the topology, with its log file."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        log_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.log_path = log_dir / f"{name}.log"
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        """Start the process (its output appended to its log file)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def wait_http(self, url: str, *, expect: int = 200) -> None:
        """Return once ``url`` answers ``expect``; fail if the process exits or time runs out."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if not self.running:
                raise ChildError(f"{self.name} exited while starting:\n{self.log_tail()}")
            try:
                if httpx.get(url, timeout=2.0).status_code == expect:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise ChildError(f"{self.name} did not answer {url} in time:\n{self.log_tail()}")

    def wait_output(self, marker: str) -> str:
        """Return the first line of output that starts with ``marker`` (bounded)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for line in self.log_tail(1_000_000).splitlines():
                if line.startswith(marker):
                    return line
            if not self.running:
                raise ChildError(f"{self.name} exited while starting:\n{self.log_tail()}")
            time.sleep(0.1)
        raise ChildError(f"{self.name} never printed {marker!r}:\n{self.log_tail()}")

    def terminate(self) -> None:
        """SIGTERM without waiting: the caller watches what happens while it drains."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = STOP_SECONDS) -> int | None:
        """SIGTERM, wait up to ``timeout``, then SIGKILL; returns the exit code."""
        if self.process is None:
            return None
        return stop_process(self.process, timeout)

    def kill(self) -> None:
        """SIGKILL: no drain, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(STOP_SECONDS)

    def log_tail(self, chars: int = 3000) -> str:
        """The end of what the process wrote."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

"""Stopping a child process the one way every server here is stopped."""

from __future__ import annotations

import subprocess
from typing import Any


def stop_process(process: subprocess.Popen[Any], seconds: float) -> int | None:
    """Stop a child if it still runs: SIGTERM, then SIGKILL if it outlives ``seconds``.

    A child that ignores SIGTERM (or hangs in its shutdown) must not hang the caller, and a
    killed one is waited for so it leaves no zombie. Returns the child's exit code.
    """
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(seconds)
    return process.returncode

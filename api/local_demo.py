"""Where a running ``casegraph demo`` keeps its database, so the commands beside it find it.

The demo's throwaway PostgreSQL listens on a random port. While the demo runs it records
that port (as a DSN), the cluster's folder and its own process id in ``.casegraph/demo.json``
in the folder it runs from, and removes the file when it stops. ``casegraph audit``,
``migrate``, ``refresh-search`` and ``seed`` run from that folder use the recorded database
when ``CASEGRAPH_DELIUS_DSN`` is not set. A demo that was killed outright (``kill -9``, a
power cut) leaves the file behind: the next demo reads it to stop and remove the cluster it
names, and the commands ignore it because its process is gone.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from api.settings import PREFIX, Settings

STATE_FILE = Path(".casegraph") / "demo.json"


@dataclass(frozen=True, slots=True)
class DemoState:
    """What one running demo records about itself."""

    pid: int
    dsn: str
    cluster_folder: str
    api_port: int

    def is_running(self) -> bool:
        """True while the demo's process is alive (a reused pid is treated as alive)."""
        return process_alive(self.pid)


def write_state(state: DemoState, path: Path = STATE_FILE) -> None:
    """Record the running demo (readable by its owner only: the DSN opens the database)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2))
    temporary.chmod(0o600)
    temporary.replace(path)


def read_state(path: Path = STATE_FILE) -> DemoState | None:
    """The recorded demo, or None when there is none or the file cannot be read."""
    try:
        raw = json.loads(path.read_text())
        return DemoState(
            pid=int(raw["pid"]),
            dsn=str(raw["dsn"]),
            cluster_folder=str(raw["cluster_folder"]),
            api_port=int(raw["api_port"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_state(path: Path = STATE_FILE, *, pid: int | None = None) -> None:
    """Remove the record; with ``pid``, only if it is that process's own record."""
    state = read_state(path)
    if pid is not None and state is not None and state.pid != pid:
        return
    path.unlink(missing_ok=True)


def running_demo(path: Path = STATE_FILE) -> DemoState | None:
    """The demo running from this folder, if there is one."""
    state = read_state(path)
    return state if state is not None and state.is_running() else None


def process_alive(pid: int) -> bool:
    """True if a process with this id exists (signal 0 checks without signalling)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_dsn(args: argparse.Namespace) -> str:
    """The DSN a command uses: ``CASEGRAPH_DELIUS_DSN`` if set, else the running demo's,
    else the default. It is remembered on ``args`` so a failure can name the database."""
    settings = Settings.from_env()
    demo = None if f"{PREFIX}DELIUS_DSN" in os.environ else running_demo()
    dsn = demo.dsn if demo is not None else settings.delius_dsn.value
    args.resolved_dsn = dsn
    return dsn

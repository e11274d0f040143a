"""CPU time by process tree, from /proc: where the work of a measured window went.

Throughput alone cannot tell a server that waits from one that works: ``CpuMeter`` adds
the CPU seconds the server's processes and the database's processes spent over the same
window, and how busy the machine was, so each request's cost can be split between them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> Iterator[int]:
    """A process and all its descendants."""
    yield pid
    for child in _children(pid):
        yield from tree(child)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def postmaster_pid(data_dir: Path) -> int:
    """The PostgreSQL server's main process, from its data directory."""
    return int((data_dir / "postmaster.pid").read_text().splitlines()[0])


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU of one process so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _machine() -> tuple[int, int]:
    """All jiffies and idle jiffies (idle and I/O wait) of the machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values), values[3] + values[4]


@dataclass(frozen=True, slots=True)
class CpuUse:
    """CPU seconds per group of processes over one window, and the machine's busy share."""

    seconds: dict[str, float]
    busy: float


class CpuMeter:
    """Measures named process trees between ``start`` and ``stop``."""

    def __init__(self, roots: dict[str, int]) -> None:
        self._roots = roots
        self._before: dict[str, dict[int, float]] = {}
        self._machine = (0, 0)

    def _snapshot(self) -> dict[str, dict[int, float]]:
        return {name: _times(tree(root)) for name, root in self._roots.items()}

    def start(self) -> None:
        """Open the window."""
        self._before = self._snapshot()
        self._machine = _machine()

    def stop(self) -> CpuUse:
        """Close the window: CPU seconds spent in it per group, new processes included."""
        after = self._snapshot()
        total, idle = _machine()
        spent = {
            name: sum(t - self._before[name].get(pid, 0.0) for pid, t in times.items())
            for name, times in after.items()
        }
        elapsed = total - self._machine[0]
        busy = 1 - (idle - self._machine[1]) / elapsed if elapsed else 0.0
        return CpuUse(spent, busy)


def _times(pids: Iterable[int]) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in pids}

"""Stopping the demo leaves nothing behind: no PostgreSQL, no folder, no record.

SIGTERM is what a closing terminal's shell, a service manager, a container stop or a CI
time-out sends; SIGINT is Ctrl-C; SIGHUP is a terminal hanging up. Each stops the demo
cleanly whether it is serving or still seeding, and a demo killed outright is cleared up by
the next one started in its folder.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.local_demo import STATE_FILE, DemoState
from tests.demo.running import RunningDemo, cluster_processes, start_demo


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    running = start_demo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def _assert_nothing_left(demo: RunningDemo, state: DemoState) -> None:
    assert not Path(state.cluster_folder).exists(), demo.text()[-2000:]
    assert cluster_processes(state.cluster_folder) == []
    assert not (demo.folder / STATE_FILE).exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_serving_demo_stopped_by_a_signal_leaves_nothing(
    demo: RunningDemo, signum: signal.Signals
) -> None:
    state = demo.wait_for("ready")
    assert cluster_processes(state.cluster_folder), "the demo's PostgreSQL runs while it serves"
    assert demo.signal(signum) == 0
    assert f"Stopped ({signum.name})" in demo.text()
    assert "Traceback" not in demo.text()
    _assert_nothing_left(demo, state)


def test_a_demo_stopped_while_it_starts_leaves_nothing(demo: RunningDemo) -> None:
    state = demo.wait_for("recorded")
    assert demo.signal(signal.SIGTERM) == 0
    assert "Case Graph is ready" not in demo.text()
    _assert_nothing_left(demo, state)


def test_the_next_demo_clears_what_a_killed_one_left(tmp_path: Path) -> None:
    first = start_demo(tmp_path)
    try:
        crashed = first.wait_for("recorded")
        first.process.kill()
        first.process.wait(60)
    finally:
        first.stop()
    assert Path(crashed.cluster_folder).exists(), "kill -9 leaves the cluster behind"
    second = start_demo(tmp_path)
    try:
        state = second.wait_for("ready")
        assert state.pid != crashed.pid
        assert "removed the database a stopped demo left" in second.text()
        assert not Path(crashed.cluster_folder).exists()
        assert cluster_processes(crashed.cluster_folder) == []
        assert second.signal(signal.SIGTERM) == 0
    finally:
        second.stop()
    _assert_nothing_left(second, state)

"""Where worker processes share their Prometheus metrics (prometheus_client's multiprocess mode).

prometheus_client reads ``PROMETHEUS_MULTIPROC_DIR`` when it is first imported, so the
variable must be set before any worker starts. With more than one worker and no
directory given, ``casegraph serve`` makes a fresh one and removes it when the server
stops; a directory an operator gives is used as it is (emptying it between runs is
theirs to do, as prometheus_client documents).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def metrics_shared_by_workers(workers: int) -> Iterator[str | None]:
    """Set up a fresh multiprocess directory for ``workers`` > 1; yield the one in use."""
    given = os.environ.get(MULTIPROC_DIR)
    if given or workers <= 1:
        yield given or None
        return
    folder = tempfile.mkdtemp(prefix="casegraph-metrics-")
    os.environ[MULTIPROC_DIR] = folder
    try:
        yield folder
    finally:
        os.environ.pop(MULTIPROC_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)

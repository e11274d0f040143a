"""Fixtures for running Case Graph as one of many processes: a streaming standby of the
session's database, and the write tests' cases and writer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.postgres import TemporaryPostgres
from sandbox.replica import TemporaryReplica
from tests.writes.conftest import login, staff_cases, writer

__all__ = ["login", "replica", "staff_cases", "writer"]


@pytest.fixture(scope="module")
def replica(postgres: TemporaryPostgres) -> Iterator[TemporaryReplica]:
    """A hot standby streaming from the session's seeded database."""
    with TemporaryReplica(postgres) as standby:
        yield standby

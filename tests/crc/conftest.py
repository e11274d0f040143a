"""CRC stand-ins on free loopback ports, shared by the CRC tests, with faults reset per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.crc import CrcClient
from sandbox.crc import (
    CrcDataset,
    CrcServers,
    build_datasets,
    start_crc_servers,
)
from tests.crc.data import connections, make_facts


@pytest.fixture(scope="session")
def datasets() -> dict[str, CrcDataset]:
    return build_datasets(make_facts(), seed=7)


@pytest.fixture(scope="session")
def crc(datasets: dict[str, CrcDataset]) -> Iterator[CrcServers]:
    servers = start_crc_servers(datasets, host="127.0.0.1", base_port=0)
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture(autouse=True)
def _reset_faults(crc: CrcServers) -> Iterator[None]:
    for instance in crc.instances.values():
        instance.faults.apply({"reset": True, "token_ttl": 3600})
    yield
    for instance in crc.instances.values():
        instance.faults.apply({"reset": True, "token_ttl": 3600})


@pytest.fixture
async def client(crc: CrcServers) -> AsyncIterator[CrcClient]:
    crc_client = CrcClient.create(
        connections(crc),
        timeout=2.0,
        concurrency=10,
        breaker_failures=5,
        breaker_reset=30.0,
        deadline=4.0,
    )
    try:
        yield crc_client
    finally:
        await crc_client.aclose()

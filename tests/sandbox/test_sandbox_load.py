"""Loading the nDelius contract into an empty database."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from sandbox.ndelius.load import ContractAlreadyLoaded, contract_sql, load_contract


async def test_contract_loads_once(new_database: Callable[[str], Awaitable[str]]) -> None:
    dsn = await new_database("contract_only")
    await load_contract(dsn)
    declared = {
        name.lower()
        for name in re.findall(r"^CREATE TABLE (\w+)", contract_sql("schema.sql"), re.MULTILINE)
    }
    connection = await asyncpg.connect(dsn)
    try:
        tables = {
            row["table_name"]
            for row in await connection.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        contact_types = await connection.fetchval("SELECT count(*) FROM r_contact_type")
        offenders = await connection.fetchval("SELECT count(*) FROM offender")
    finally:
        await connection.close()
    assert tables == declared
    assert len(declared) == 40
    assert contact_types == 19
    assert offenders == 0
    with pytest.raises(ContractAlreadyLoaded):
        await load_contract(dsn)

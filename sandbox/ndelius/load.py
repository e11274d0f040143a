"""Load the nDelius contract (schema, then reference rows) into an empty database.

The two SQL files are the verbatim contract; they run in one transaction so a failure
leaves the database as it was. Loading twice is a mistake, and says so.
"""

from __future__ import annotations

from importlib import resources

import asyncpg

CONTRACT_FILES = ("schema.sql", "reference-data.sql")


class ContractAlreadyLoaded(RuntimeError):
    """The target database already holds the contract's tables."""


def contract_sql(name: str) -> str:
    """The text of one contract file shipped with this package."""
    return resources.files("sandbox.ndelius").joinpath(name).read_text(encoding="utf-8")


async def load_contract(dsn: str) -> None:
    """Run schema.sql then reference-data.sql against ``dsn`` in one transaction."""
    connection = await asyncpg.connect(dsn)
    try:
        existing = await connection.fetchval("SELECT to_regclass('offender') IS NOT NULL")
        if existing:
            raise ContractAlreadyLoaded("the nDelius contract is already loaded in this database")
        async with connection.transaction():
            for name in CONTRACT_FILES:
                await connection.execute(contract_sql(name))
    finally:
        await connection.close()

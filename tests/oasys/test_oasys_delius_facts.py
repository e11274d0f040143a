"""facts_from_delius against an empty database loaded with the nDelius contract schema.

Foreign-key triggers are switched off while seeding (session_replication_role = replica),
so the test can insert just the rows it reads; the schema itself is the real contract.
"""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from sandbox.ndelius.load import load_contract
from sandbox.oasys import CaseFacts, SentencedEvent, facts_from_delius
from sandbox.postgres import TemporaryPostgres
from tests.conftest import create_database

AUDIT = "1, now(), 1, now()"


@pytest.fixture(scope="module")
async def postgres_dsn(postgres: TemporaryPostgres) -> str:
    """An empty database of its own in the session's cluster, holding only the contract."""
    dsn = await create_database(postgres, "oasys_facts")
    await load_contract(dsn)
    return dsn


SEED_ROWS = f"""
SET session_replication_role = replica;
INSERT INTO offender (offender_id, crn, first_name, surname, date_of_birth_date, gender_id,
    current_exclusion, current_restriction, soft_deleted,
    created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime) VALUES
 (10, 'A000001', 'Ann', 'One', '1980-01-01', 1, 0, 0, 0, {AUDIT}),
 (11, 'A000001', 'Ann', 'Deleted duplicate', '1980-01-01', 1, 0, 1, 1, {AUDIT}),
 (20, 'A000002', 'Bob', 'Two', '1981-02-02', 1, 0, 1, 0, {AUDIT}),
 (30, 'A000003', 'Cy', 'Three', '1982-03-03', 1, 1, 0, 0, {AUDIT}),
 (40, 'A000004', 'Di', 'Gone', '1983-04-04', 1, 0, 0, 1, {AUDIT});
INSERT INTO event (event_id, offender_id, event_number, referral_date, soft_deleted,
    created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime) VALUES
 (100, 10, '1', '2020-01-01', 0, {AUDIT}),
 (101, 10, '2', '2023-05-01', 0, {AUDIT}),
 (102, 10, '3', '2024-01-01', 1, {AUDIT}),
 (103, 10, '4', '2024-06-01', 0, {AUDIT}),
 (104, 10, '5', '2024-07-01', 0, {AUDIT}),
 (200, 20, '1', '2022-01-01', 0, {AUDIT}),
 (300, 30, '1', '2021-01-01', 0, {AUDIT});
INSERT INTO disposal (disposal_id, event_id, offender_id, disposal_type_id, disposal_date,
    soft_deleted, created_by_user_id, created_datetime, last_updated_user_id,
    last_updated_datetime) VALUES
 (1000, 100, 10, 1, '2020-02-03', 0, {AUDIT}),
 (1001, 101, 10, 1, '2023-06-07', 0, {AUDIT}),
 (1002, 102, 10, 1, '2024-02-01', 0, {AUDIT}),
 (1004, 104, 10, 1, '2024-08-01', 1, {AUDIT}),
 (2000, 200, 20, 1, '2022-03-04', 0, {AUDIT});
INSERT INTO registration (registration_id, offender_id, register_type_id, registration_date,
    registering_team_id, registering_staff_id, contact_id, deregistered, soft_deleted,
    created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime) VALUES
 (5000, 10, 2, '2020-02-03', 1, 1, 1, 1, 0, {AUDIT}),
 (5001, 10, 3, '2023-06-07', 1, 1, 1, 0, 0, {AUDIT}),
 (5002, 10, 4, '2024-01-01', 1, 1, 1, 0, 1, {AUDIT}),
 (5003, 20, 4, '2022-03-04', 1, 1, 1, 1, 0, {AUDIT}),
 (5004, 30, 1, '2021-02-02', 1, 1, 1, 0, 0, {AUDIT});
SET session_replication_role = origin;
"""


async def test_facts_honour_soft_deletes_and_deregistration(postgres_dsn: str) -> None:
    connection = await asyncpg.connect(postgres_dsn)
    try:
        codes = dict(await connection.fetch("SELECT register_type_id, code FROM r_register_type"))
        assert [codes[i] for i in (1, 2, 3, 4)] == ["RLRH", "RMRH", "RHRH", "RVHR"]
        await connection.execute(SEED_ROWS)
    finally:
        await connection.close()

    facts = {f.crn: f for f in await facts_from_delius(postgres_dsn)}

    assert set(facts) == {"A000001", "A000002", "A000003"}  # A000004 is soft-deleted
    assert facts["A000001"] == CaseFacts(
        crn="A000001",
        limited_access=False,  # the deleted duplicate's restriction does not count
        sentenced_events=(
            SentencedEvent(1, date(2020, 2, 3)),
            SentencedEvent(2, date(2023, 6, 7)),
        ),  # 3: event deleted; 4: no sentence; 5: sentence deleted
        rosh_registration="RHRH",  # RMRH deregistered, RVHR soft-deleted
    )
    assert facts["A000002"] == CaseFacts(
        "A000002", True, (SentencedEvent(1, date(2022, 3, 4)),), None
    )
    assert facts["A000003"] == CaseFacts("A000003", True, (), "RLRH")

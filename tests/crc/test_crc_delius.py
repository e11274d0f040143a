"""``facts_from_delius`` against a throwaway PostgreSQL 15 loaded with the nDelius contract."""

from __future__ import annotations

from datetime import date, time

import asyncpg
import pytest

from sandbox.crc import build_datasets, facts_from_delius
from sandbox.ndelius.load import load_contract
from sandbox.postgres import TemporaryPostgres
from tests.conftest import create_database

AUDIT = "1, now(), 1, now()"
AUDIT_COLUMNS = "created_by_user_id, created_datetime, last_updated_user_id, last_updated_datetime"

SEED = f"""
INSERT INTO probation_area (probation_area_id, code, description, private) VALUES
  (10, 'C01', 'Test CRC', 1), (11, 'N07', 'NPS London', 0);
INSERT INTO borough (borough_id, code, description, probation_area_id) VALUES (10, 'B1', 'PDU', 10);
INSERT INTO district (district_id, code, description, borough_id) VALUES (10, 'D1', 'LAU', 10);
INSERT INTO team (team_id, code, description, district_id, probation_area_id, start_date) VALUES
  (10, 'C01T01', 'CRC North', 10, 10, '2015-01-01'),
  (11, 'N07T01', 'NPS Team', 10, 11, '2015-01-01');
INSERT INTO staff (staff_id, officer_code, forename, surname, probation_area_id, start_date) VALUES
  (10, 'C01A001', 'Sam', 'Patel', 10, '2015-01-01'),
  (11, 'N07A001', 'Jo', 'Smith', 11, '2015-01-01');
INSERT INTO offender (offender_id, crn, first_name, surname, date_of_birth_date, gender_id,
                      soft_deleted, {AUDIT_COLUMNS}) VALUES
  (1, 'X000001', 'Ann', 'One', '1990-01-01', 101, 0, {AUDIT}),
  (2, 'X000001', 'Ann', 'Duplicate', '1990-01-01', 101, 1, {AUDIT}),
  (3, 'X000003', 'Ben', 'Three', '1990-01-01', 101, 0, {AUDIT}),
  (4, 'X000004', 'Cat', 'Four', '1990-01-01', 101, 0, {AUDIT}),
  (5, 'X000005', 'Dan', 'Five', '1990-01-01', 101, 0, {AUDIT});
INSERT INTO offender_manager (offender_manager_id, offender_id, allocation_date,
       allocation_staff_id, team_id, probation_area_id, allocation_reason_id,
       active_flag, soft_deleted,
       {AUDIT_COLUMNS}) VALUES
  (1, 1, '2019-03-01', 10, 10, 10, 1501, 1, 0, {AUDIT}),
  (2, 2, '2019-03-01', 10, 10, 10, 1501, 1, 0, {AUDIT}),
  (3, 3, '2019-03-01', 11, 11, 11, 1501, 1, 0, {AUDIT}),
  (4, 4, '2019-03-01', 10, 10, 10, 1501, 1, 1, {AUDIT}),
  (5, 4, '2019-03-01', 11, 11, 11, 1501, 1, 0, {AUDIT}),
  (6, 5, '2018-03-01', 10, 10, 10, 1501, 0, 0, {AUDIT}),
  (7, 5, '2019-03-01', 11, 11, 11, 1501, 1, 0, {AUDIT});
INSERT INTO event (event_id, offender_id, event_number, referral_date, soft_deleted,
                   {AUDIT_COLUMNS}) VALUES
  (1, 1, '1', '2019-02-01', 0, {AUDIT}), (2, 1, '2', '2019-02-01', 1, {AUDIT});
INSERT INTO disposal (disposal_id, event_id, offender_id, disposal_type_id, disposal_date,
                      {AUDIT_COLUMNS}) VALUES (1, 1, 1, 1, '2019-02-20', {AUDIT});
INSERT INTO rqmnt (rqmnt_id, disposal_id, offender_id, rqmnt_type_main_category_id, start_date,
                   length, soft_deleted, {AUDIT_COLUMNS}) VALUES
  (1, 1, 1, 2, '2019-02-20', 80, 0, {AUDIT}),
  (2, 1, 1, 2, '2019-02-20', 40, 1, {AUDIT}),
  (3, 1, 1, 1, '2019-02-20', 20, 0, {AUDIT});
INSERT INTO contact (contact_id, offender_id, contact_type_id, contact_date, contact_start_time,
       contact_end_time, contact_outcome_type_id, attended, complied, external_reference,
       probation_area_id, team_id, staff_id, event_id, soft_deleted, {AUDIT_COLUMNS}) VALUES
  (1, 1, 3, '2019-04-02', '1970-01-01 10:30', '1970-01-01 11:30', 1, 'Y', 'Y',
   'urn:uk:gov:crc:C01:appointment:aa01', 10, 10, 10, 1, 0, {AUDIT}),
  (2, 1, 3, '2019-04-09', NULL, NULL, NULL, NULL, NULL,
   'urn:uk:gov:crc:C01:appointment:aa02', 10, 10, 10, 1, 1, {AUDIT}),
  (3, 1, 3, '2019-04-16', NULL, NULL, NULL, NULL, NULL, NULL, 10, 10, 10, 1, 0, {AUDIT}),
  (4, 1, 4, '2019-04-23', '2019-04-23 14:00', NULL, NULL, NULL, NULL,
   'urn:uk:gov:crc:C01:appointment:aa04', 10, 10, 10, NULL, 0, {AUDIT});
"""


@pytest.fixture(scope="module")
async def delius_dsn(postgres: TemporaryPostgres) -> str:
    """An empty database of its own in the session's cluster, holding only the contract."""
    dsn = await create_database(postgres, "crc_facts")
    await load_contract(dsn)
    return dsn


async def test_facts_follow_the_legacy_rules(delius_dsn: str) -> None:
    connection = await asyncpg.connect(delius_dsn)
    try:
        await connection.execute(SEED)
    finally:
        await connection.close()
    facts = await facts_from_delius(delius_dsn)
    assert [f.crn for f in facts] == ["X000001"]  # NPS, soft-deleted and past CRC managers left out
    case = facts[0]
    assert (case.provider_code, case.practitioner.code, case.practitioner.name) == (
        "C01",
        "C01A001",
        "Sam Patel",
    )
    assert (case.team.code, case.team.description) == ("C01T01", "CRC North")
    assert case.allocation_date == date(2019, 3, 1)
    assert case.event_numbers == (1,)
    assert [a.contact_id for a in case.appointments] == [1, 4]
    first, second = case.appointments
    assert (first.start_time, first.end_time) == (time(10, 30), time(11, 30))
    assert (first.outcome_code, first.attended, first.complied) == ("ATTC", True, True)
    assert first.event_number == 1
    assert second.start_time == time(14, 0)  # only the time of day counts
    assert (second.outcome_code, second.attended, second.event_number) == (None, None, None)
    assert [(u.event_number, u.hours_ordered) for u in case.unpaid_work] == [(1, 80)]
    dataset = build_datasets(facts, seed=1)["C01"]
    references = {a.body["externalReference"] for a in dataset.appointments["X000001"]}
    assert {a.external_reference for a in case.appointments} <= references
    assert dataset.unpaid_work["X000001"]["hoursOrdered"] == 80

"""The seeded nDelius world: deterministic, consistent, and dirty in the documented ways."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import asyncpg

from sandbox.ndelius.seed import SEED_TODAY, SeedReport
from sandbox.ndelius.seed.copy import ALL_TABLES, SEQUENCE_KEYS

SeedInto = Callable[..., Awaitable[tuple[str, SeedReport]]]
LIVE_ACTIVE_EVENT = (
    "EXISTS (SELECT 1 FROM event e WHERE e.offender_id = o.offender_id"
    " AND e.soft_deleted = 0 AND e.active_flag = 1)"
)
ROSH_TYPES = "(SELECT register_type_id FROM r_register_type WHERE register_type_flag_id = 801)"


async def _one(db: asyncpg.Connection, query: str, *args: object) -> asyncpg.Record:
    row = await db.fetchrow(query, *args)
    assert row is not None
    return row


async def _digests(dsn: str) -> dict[str, str]:
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: await connection.fetchval(
                "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {table} t"
            )
            for table in ALL_TABLES
        }
    finally:
        await connection.close()


async def test_same_seed_gives_identical_rows_whatever_the_chunking(
    seeded: tuple[str, SeedReport], seed_into: SeedInto
) -> None:
    other_dsn, _ = await seed_into("seeded_again", seed=1, workers=2, chunk_size=70)
    assert await _digests(other_dsn) == await _digests(seeded[0])


async def test_another_seed_gives_other_people(
    seeded: tuple[str, SeedReport], seed_into: SeedInto
) -> None:
    other_dsn, _ = await seed_into("seeded_other", seed=2)
    ours, theirs = await _digests(seeded[0]), await _digests(other_dsn)
    assert ours["offender"] != theirs["offender"]
    assert ours["contact"] != theirs["contact"]


async def test_report_counts_match_the_tables(
    seeded: tuple[str, SeedReport], db: asyncpg.Connection
) -> None:
    report = seeded[1]
    for table, count in report.rows.items():
        assert await db.fetchval(f"SELECT count(*) FROM {table}") == count, table
    assert report.rows["offender"] >= 300
    assert report.rows["contact"] > 10_000
    assert report.elapsed_seconds > 0


async def test_every_foreign_key_holds(db: asyncpg.Connection) -> None:
    foreign_keys = await db.fetch(
        """
        SELECT c.conname, c.conrelid::regclass::text AS child, c.confrelid::regclass::text
               AS parent,
               array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                     ORDER BY k.i)::text[] AS child_columns,
               array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                     ORDER BY k.i)::text[] AS parent_columns
        FROM pg_constraint c WHERE c.contype = 'f'
        """
    )
    assert len(foreign_keys) > 50
    for fk in foreign_keys:
        present = " AND ".join(f"c.{col} IS NOT NULL" for col in fk["child_columns"])
        joined = " AND ".join(
            f"p.{pc} = c.{cc}"
            for cc, pc in zip(fk["child_columns"], fk["parent_columns"], strict=True)
        )
        orphans = await db.fetchval(
            f"SELECT count(*) FROM {fk['child']} c WHERE {present}"
            f" AND NOT EXISTS (SELECT 1 FROM {fk['parent']} p WHERE {joined})"
        )
        assert orphans == 0, fk["conname"]


async def test_every_offender_with_a_live_active_event_has_one_live_active_manager(
    db: asyncpg.Connection,
) -> None:
    counts = await db.fetch(
        f"""
        SELECT (SELECT count(*) FROM offender_manager m
                WHERE m.offender_id = o.offender_id AND m.soft_deleted = 0
                  AND m.active_flag = 1 AND m.end_date IS NULL) AS managers
        FROM offender o WHERE o.soft_deleted = 0 AND {LIVE_ACTIVE_EVENT}
        """
    )
    assert len(counts) > 100
    assert {row["managers"] for row in counts} == {1}
    # A reader that forgets SOFT_DELETED on OFFENDER_MANAGER sees two "active" managers.
    doubled = await db.fetchval(
        "SELECT count(*) FROM offender_manager WHERE soft_deleted = 1 AND active_flag = 1"
    )
    assert doubled >= 1


async def test_share_of_active_cases_and_crc_holdings(db: asyncpg.Connection) -> None:
    active_share = await db.fetchval(
        f"SELECT avg(CASE WHEN {LIVE_ACTIVE_EVENT} THEN 1.0 ELSE 0 END) FROM offender o"
        " WHERE o.soft_deleted = 0"
    )
    crc_share = await db.fetchval(
        """
        SELECT avg(p.private) FROM offender_manager m
        JOIN offender o ON o.offender_id = m.offender_id AND o.soft_deleted = 0
        JOIN probation_area p ON p.probation_area_id = m.probation_area_id
        WHERE m.soft_deleted = 0 AND m.active_flag = 1
        """
    )
    assert 0.5 <= active_share <= 0.7
    assert 0.2 <= crc_share <= 0.4


async def test_live_crns_are_unique_and_duplicates_are_soft_deleted(
    db: asyncpg.Connection,
) -> None:
    live, distinct = await _one(
        db, "SELECT count(*), count(DISTINCT crn) FROM offender WHERE soft_deleted = 0"
    )
    assert live == distinct == 300
    shared = await db.fetchval(
        "SELECT count(*) FROM offender d JOIN offender o ON o.crn = d.crn AND o.soft_deleted = 0"
        " WHERE d.soft_deleted = 1"
    )
    assert shared >= 1
    crns = await db.fetch("SELECT crn, noms_number FROM offender")
    assert all(re.fullmatch(r"[A-Z][0-9]{6}", row["crn"]) for row in crns)
    noms = [row["noms_number"] for row in crns if row["noms_number"]]
    assert all(re.fullmatch(r"[A-Z][0-9]{4}[A-Z]{2}", value) for value in noms)
    assert 0.55 <= len(noms) / len(crns) <= 0.85


async def test_two_to_six_live_registrations_and_one_active_rosh(db: asyncpg.Connection) -> None:
    per_offender = await db.fetch(
        """
        SELECT o.offender_id, count(r.*) FILTER (WHERE r.soft_deleted = 0) AS live
        FROM offender o LEFT JOIN registration r ON r.offender_id = o.offender_id
        WHERE o.soft_deleted = 0 GROUP BY o.offender_id
        """
    )
    assert all(2 <= row["live"] <= 6 for row in per_offender)
    rosh = await db.fetch(
        f"""
        SELECT (SELECT count(*) FROM registration r WHERE r.offender_id = o.offender_id
                AND r.soft_deleted = 0 AND r.deregistered = 0
                AND r.register_type_id IN {ROSH_TYPES}) AS active_rosh
        FROM offender o WHERE o.soft_deleted = 0 AND {LIVE_ACTIVE_EVENT}
        """
    )
    values = [row["active_rosh"] for row in rosh]
    assert max(values) == 1
    assert values.count(1) / len(values) >= 0.8
    mismatched = await db.fetchval(
        """
        SELECT count(*) FROM registration r
        LEFT JOIN deregistration d ON d.registration_id = r.registration_id
        WHERE (r.deregistered = 1) <> (d.deregistration_id IS NOT NULL)
        """
    )
    assert mismatched == 0


async def test_highest_risk_colour_matches_active_registrations(db: asyncpg.Connection) -> None:
    wrong = await db.fetchval(
        """
        SELECT count(*) FROM offender o WHERE o.soft_deleted = 0
          AND o.current_highest_risk_colour IS DISTINCT FROM (
            SELECT t.colour FROM registration r
            JOIN r_register_type t ON t.register_type_id = r.register_type_id
            WHERE r.offender_id = o.offender_id AND r.soft_deleted = 0 AND r.deregistered = 0
            ORDER BY CASE t.colour WHEN 'Red' THEN 4 WHEN 'Amber' THEN 3 WHEN 'Green' THEN 2
                     ELSE 1 END DESC LIMIT 1)
        """
    )
    assert wrong == 0


async def test_contact_times_sit_mostly_on_the_dummy_day(db: asyncpg.Connection) -> None:
    dummy, real, missing, total = await _one(
        db,
        """
        SELECT count(*) FILTER (WHERE contact_start_time::date = DATE '1970-01-01'),
               count(*) FILTER (WHERE contact_start_time::date = contact_date),
               count(*) FILTER (WHERE contact_start_time IS NULL),
               count(*)
        FROM contact WHERE contact_type_id IN (SELECT contact_type_id FROM r_contact_type
                                               WHERE sgc_flag = 0)
        """,
    )
    assert dummy / total >= 0.8
    assert 0.02 <= real / total <= 0.08
    assert 0.05 <= missing / total <= 0.15


async def test_future_appointments_have_no_outcome(db: asyncpg.Connection) -> None:
    future = await _one(
        db,
        """
        SELECT count(*) AS appointments,
               count(*) FILTER (WHERE c.contact_outcome_type_id IS NOT NULL
                                OR c.attended IS NOT NULL OR c.complied IS NOT NULL) AS outcomes,
               max(c.contact_date) AS latest
        FROM contact c JOIN r_contact_type t ON t.contact_type_id = c.contact_type_id
        WHERE c.contact_date > $1 AND t.attendance_contact = 'Y'
        """,
        SEED_TODAY,
    )
    assert future["appointments"] > 100
    assert future["outcomes"] == 0
    assert (future["latest"] - SEED_TODAY).days <= 56
    copied_wrongly = await db.fetchval(
        """
        SELECT count(*) FROM contact c
        JOIN r_contact_outcome_type x ON x.contact_outcome_type_id = c.contact_outcome_type_id
        WHERE c.attended IS DISTINCT FROM x.outcome_attendance
           OR c.complied IS DISTINCT FROM x.outcome_compliant_acceptable
        """
    )
    assert copied_wrongly == 0


async def test_soft_deleted_future_appointment_precedes_the_real_next_one(
    db: asyncpg.Connection,
) -> None:
    trap = await db.fetchval(
        """
        SELECT count(*) FROM contact d
        WHERE d.soft_deleted = 1 AND d.contact_date > $1
          AND d.contact_date < (SELECT min(c.contact_date) FROM contact c
                                WHERE c.offender_id = d.offender_id AND c.soft_deleted = 0
                                  AND c.contact_date > $1)
        """,
        SEED_TODAY,
    )
    assert trap >= 1


async def test_crc_appointments_carry_the_partner_urn(db: asyncpg.Connection) -> None:
    rows = await db.fetch(
        """
        SELECT c.external_reference, p.code, p.private FROM contact c
        JOIN probation_area p ON p.probation_area_id = c.probation_area_id
        WHERE c.external_reference IS NOT NULL
        """
    )
    assert len(rows) > 100
    for row in rows:
        assert row["private"] == 1
        assert re.fullmatch(
            rf"urn:uk:gov:crc:{row['code']}:appointment:[0-9a-f]{{16}}", row["external_reference"]
        )


async def test_soft_deleted_rows_exist_in_every_case_table(db: asyncpg.Connection) -> None:
    for table in (
        "offender",
        "event",
        "main_offence",
        "disposal",
        "rqmnt",
        "offender_manager",
        "registration",
        "offender_address",
        "contact",
    ):
        deleted, total = await _one(
            db, f"SELECT count(*) FILTER (WHERE soft_deleted = 1), count(*) FROM {table}"
        )
        assert deleted >= 1, table
        assert deleted / total <= 0.05, table


async def test_limited_access_rows_agree_with_the_offender_flags(db: asyncpg.Connection) -> None:
    flags = await db.fetch(
        """
        SELECT o.current_exclusion, o.current_restriction, o.exclusion_message,
               o.restriction_message,
               EXISTS (SELECT 1 FROM exclusion x WHERE x.offender_id = o.offender_id
                       AND (x.exclusion_end_time IS NULL OR x.exclusion_end_time > $1))
                 AS excluded,
               EXISTS (SELECT 1 FROM restriction r WHERE r.offender_id = o.offender_id
                       AND (r.restriction_end_time IS NULL OR r.restriction_end_time > $1))
                 AS restricted
        FROM offender o WHERE o.soft_deleted = 0
        """,
        SEED_TODAY,
    )
    assert sum(row["excluded"] for row in flags) >= 1
    assert sum(row["restricted"] for row in flags) >= 1
    for row in flags:
        assert row["current_exclusion"] == int(row["excluded"])
        assert row["current_restriction"] == int(row["restricted"])
        assert (row["exclusion_message"] is not None) == row["excluded"]
        assert (row["restriction_message"] is not None) == row["restricted"]
    expired = await db.fetchval(
        "SELECT count(*) FROM exclusion WHERE exclusion_end_time < $1", SEED_TODAY
    )
    assert expired >= 1
    mixed_case = await db.fetchval(
        "SELECT count(*) FROM user_ WHERE distinguished_name <> lower(distinguished_name)"
        " AND staff_id IS NOT NULL"
    )
    assert mixed_case >= 1


async def test_sequences_are_past_the_seeded_ids(db: asyncpg.Connection) -> None:
    for table, key in SEQUENCE_KEYS.items():
        highest = await db.fetchval(f"SELECT max({key}) FROM {table}")
        if highest is None:
            continue
        assert highest >= 2_500_000_000, table
        assert await db.fetchval(f"SELECT nextval('{key}_seq')") > highest, table


async def test_organisation_shape(db: asyncpg.Connection) -> None:
    providers = await db.fetch("SELECT code, private FROM probation_area ORDER BY code")
    assert [(p["code"], p["private"]) for p in providers] == [
        ("C01", 1), ("C02", 1), ("C03", 1), ("C04", 1), ("N07", 0),
    ]  # fmt: skip
    codes = [row["code"] for row in await db.fetch("SELECT code FROM team")]
    assert all(re.fullmatch(r"(N07|C0[1-4])(T[0-9]{2}|UAT)", code) for code in codes)
    placeholders = await db.fetchval(
        "SELECT count(*) FROM team t WHERE NOT EXISTS (SELECT 1 FROM staff_team st"
        " JOIN staff s ON s.staff_id = st.staff_id WHERE st.team_id = t.team_id"
        " AND s.officer_code = t.code || 'U')"
    )
    assert placeholders == 0

"""The nDelius adapter against the seeded legacy tables: every quirk, checked with SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from adapters.delius import DeliusAdapter
from adapters.queries import ContactFilterSpec, ContactPageRequest, ContactPosition
from adapters.records import AuditEntry

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def live_ids(sql: Any, query: str, *args: Any) -> set[int]:
    return {row[0] for row in await sql.fetch(query, *args)}


async def sample_offenders(sql: Any, limit: int = 60) -> list[int]:
    rows = await sql.fetch(
        "SELECT offender_id FROM offender WHERE soft_deleted = 0 ORDER BY offender_id LIMIT $1",
        limit,
    )
    return [row[0] for row in rows]


async def test_duplicate_crn_resolves_to_the_live_row(delius: DeliusAdapter, sql: Any) -> None:
    rows = await sql.fetch(
        """SELECT crn, max(offender_id) FILTER (WHERE soft_deleted = 0) AS live
           FROM offender GROUP BY crn
           HAVING bool_or(soft_deleted = 1) AND bool_or(soft_deleted = 0)"""
    )
    assert rows, "the seed must hold soft-deleted duplicates of live CRNs"
    found = await delius.cases_with_access([row["crn"] for row in rows], None)
    assert {crn: case.offender_id for crn, (case, _) in found.items()} == {
        row["crn"]: row["live"] for row in rows
    }


async def test_a_crn_with_only_deleted_rows_is_not_found(delius: DeliusAdapter, sql: Any) -> None:
    crns = [
        row["crn"]
        for row in await sql.fetch(
            "SELECT crn FROM offender GROUP BY crn HAVING bool_and(soft_deleted = 1)"
        )
    ]
    assert crns, "the seed must hold soft-deleted offenders"
    assert await delius.cases_with_access(crns, None) == {}


async def test_soft_deleted_rows_never_appear(delius: DeliusAdapter, sql: Any) -> None:
    offenders = await sample_offenders(sql, 200)
    managers = await delius.managers_by_offender(offenders)
    events = await delius.events_by_offender(offenders)
    registrations = await delius.registrations_by_offender(offenders)
    addresses = await delius.addresses_by_offender(offenders)
    got = {
        "offender_manager": {m.id for ms in managers.values() for m in ms},
        "event": {e.id for es in events.values() for e in es},
        "registration": {r.id for rs in registrations.values() for r in rs},
        "offender_address": {a.id for a_s in addresses.values() for a in a_s},
    }
    for table, ids in got.items():
        key = f"{table}_id"
        expected = await live_ids(
            sql,
            f"SELECT {key} FROM {table} WHERE offender_id = ANY($1) AND soft_deleted = 0",
            offenders,
        )
        deleted = await live_ids(
            sql,
            f"SELECT {key} FROM {table} WHERE offender_id = ANY($1) AND soft_deleted = 1",
            offenders,
        )
        assert deleted, f"the sample must include soft-deleted {table} rows"
        assert ids == expected, table


async def test_current_manager_ignores_deleted_and_inactive_rows(
    delius: DeliusAdapter, sql: Any
) -> None:
    offenders = await sample_offenders(sql, 400)
    expected = {
        row["offender_id"]: row["offender_manager_id"]
        for row in await sql.fetch(
            """SELECT offender_id, offender_manager_id FROM offender_manager
               WHERE offender_id = ANY($1) AND soft_deleted = 0 AND active_flag = 1""",
            offenders,
        )
    }
    managers = await delius.managers_by_offender(offenders)
    current = {
        oid: next(m.id for m in ms if m.active)
        for oid, ms in managers.items()
        if any(m.active for m in ms)
    }
    assert current == expected


async def test_nested_rows_of_deleted_parents_and_children(delius: DeliusAdapter, sql: Any) -> None:
    events = [
        row[0]
        for row in await sql.fetch(
            "SELECT event_id FROM event WHERE soft_deleted = 0 ORDER BY event_id LIMIT 500"
        )
    ]
    sentences = await delius.sentences_by_event(events)
    expected_sentences = await live_ids(
        sql,
        "SELECT disposal_id FROM disposal WHERE event_id = ANY($1) AND soft_deleted = 0",
        events,
    )
    assert {s.id for s in sentences.values()} <= expected_sentences
    requirements = await delius.requirements_by_sentence([s.id for s in sentences.values()])
    expected_requirements = await live_ids(
        sql,
        "SELECT rqmnt_id FROM rqmnt WHERE disposal_id = ANY($1) AND soft_deleted = 0",
        [s.id for s in sentences.values()],
    )
    assert {r.id for rs in requirements.values() for r in rs} == expected_requirements
    offences = await delius.offences_by_event(events)
    mains = await sql.fetchval(
        "SELECT count(*) FROM main_offence WHERE event_id = ANY($1) AND soft_deleted = 0", events
    )
    assert sum(1 for os in offences.values() for o in os if o.main) == mains
    assert all(not o.description.endswith(f" - {o.code}") for os in offences.values() for o in os)


async def test_contact_times_combine_the_day_with_the_time_of_day(
    delius: DeliusAdapter, sql: Any
) -> None:
    rows = await sql.fetch(
        """SELECT contact_id, contact_date, contact_start_time FROM contact
           WHERE soft_deleted = 0 AND contact_start_time IS NOT NULL
             AND contact_start_time::date <> DATE '1970-01-01' LIMIT 50"""
    )
    assert rows, "the seed must hold contact times with a real date part"
    found = await delius.contacts_by_id([row["contact_id"] for row in rows])
    for row in rows:
        contact = found[row["contact_id"]]
        assert contact.start is not None
        assert contact.start.date() == row["contact_date"]
        assert contact.start.time() == row["contact_start_time"].time()
        assert contact.start.tzinfo is not None


async def test_flags_decode_like_the_legacy_columns(delius: DeliusAdapter, sql: Any) -> None:
    rows = await sql.fetch(
        """SELECT c.contact_id, c.attended, c.complied,
                  COALESCE(c.sensitive, ct.sensitive_contact) AS sensitive
           FROM contact c JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
           WHERE c.soft_deleted = 0 AND (c.sensitive = 'Y' OR c.attended IS NOT NULL)
           ORDER BY c.contact_id LIMIT 300"""
    )
    found = await delius.contacts_by_id([row["contact_id"] for row in rows])
    decode = {"Y": True, "N": False, None: None}
    for row in rows:
        contact = found[row["contact_id"]]
        assert contact.attended is decode[row["attended"]]
        assert contact.complied is decode[row["complied"]]
        assert contact.sensitive is (row["sensitive"] == "Y")
    assert any(found[row["contact_id"]].sensitive for row in rows)


async def test_next_appointment_is_the_earliest_live_future_one(
    delius: DeliusAdapter, sql: Any
) -> None:
    # An appointment dated today without a start time is still to come all day.
    offenders = await sample_offenders(sql, 400)
    expected = {
        row["offender_id"]: row["contact_id"]
        for row in await sql.fetch(
            """SELECT DISTINCT ON (c.offender_id) c.offender_id, c.contact_id
               FROM contact c JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
               WHERE c.offender_id = ANY($1) AND c.soft_deleted = 0
                 AND ct.attendance_contact = 'Y' AND c.contact_outcome_type_id IS NULL
                 AND (c.contact_date > CURRENT_DATE
                      OR (c.contact_date = CURRENT_DATE
                          AND COALESCE(c.contact_start_time::time, TIME '23:59:59.999999')
                              >= LOCALTIME))
               ORDER BY c.offender_id, c.contact_date,
                        COALESCE(c.contact_start_time::time, TIME '00:00'), c.contact_id""",
            offenders,
        )
    }
    assert expected, "the seed must hold future appointments"
    found = await delius.next_appointments(offenders)
    assert {oid: c.id for oid, c in found.items()} == expected
    assert all(c.is_appointment and c.outcome is None for c in found.values())


async def test_contact_pages_walk_the_whole_timeline_once(delius: DeliusAdapter, sql: Any) -> None:
    offender_id = await sql.fetchval(
        """SELECT offender_id FROM contact WHERE soft_deleted = 0
           GROUP BY offender_id ORDER BY count(*) DESC LIMIT 1"""
    )
    expected = [
        row[0]
        for row in await sql.fetch(
            """SELECT contact_id FROM contact WHERE offender_id = $1 AND soft_deleted = 0
               ORDER BY contact_date DESC, COALESCE(contact_start_time::time, TIME '00:00') DESC,
                        contact_id DESC""",
            offender_id,
        )
    ]
    seen: list[int] = []
    after = None
    for _ in range(100):
        [page] = await delius.contact_pages([ContactPageRequest(offender_id, 37, after)])
        seen.extend(c.id for c in page.contacts)
        if not page.has_next:
            break
        last = page.contacts[-1]
        after = ContactPosition(
            last.date,
            last.start.time() if last.start else time(0, 0),
            last.id,
        )
    assert seen == expected
    counts = await delius.contact_counts([offender_id], ContactFilterSpec())
    assert counts[offender_id] == len(expected)


async def test_contact_filters(delius: DeliusAdapter, sql: Any) -> None:
    offender_id = await sql.fetchval(
        """SELECT offender_id FROM contact WHERE soft_deleted = 0
           GROUP BY offender_id ORDER BY count(*) DESC LIMIT 1"""
    )
    spec = ContactFilterSpec(
        date_from=date(2025, 1, 1), date_to=date(2026, 12, 31), appointments_only=True
    )
    expected = await sql.fetchval(
        """SELECT count(*) FROM contact c JOIN r_contact_type ct
           ON ct.contact_type_id = c.contact_type_id
           WHERE c.offender_id = $1 AND c.soft_deleted = 0 AND ct.attendance_contact = 'Y'
             AND c.contact_date BETWEEN '2025-01-01' AND '2026-12-31'""",
        offender_id,
    )
    [page] = await delius.contact_pages([ContactPageRequest(offender_id, 100, None, spec)])
    assert len(page.contacts) == min(expected, 100)
    assert all(c.is_appointment for c in page.contacts)
    assert (await delius.contact_counts([offender_id], spec))[offender_id] == expected


def _look(crn: str, outcome: str, correlation_id: str) -> AuditEntry:
    return AuditEntry(
        occurred_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        username="AUser",
        client_id="adapter-test",
        provider=None,
        operation_name="Cases",
        document_hash="sha256:0",
        crn=crn,
        outcome=outcome,
        correlation_id=correlation_id,
    )


@pytest.mark.parametrize(
    "correlations",
    [("adapter-audit-one", "adapter-audit-one"), ("adapter-audit-a", "adapter-audit-b")],
    ids=["one request's entries", "entries of two requests"],
)
async def test_audit_entries_are_stored_as_given(
    delius: DeliusAdapter, correlations: tuple[str, str]
) -> None:
    entries = [
        _look("X900001", "VISIBLE", correlations[0]),
        _look("X900001", "LIMITED_ACCESS", correlations[1]),
    ]
    await delius.record_audit(entries)
    stored = await delius.audit_for_crn("X900001")
    mine = [entry for entry in stored if entry.correlation_id in correlations]
    assert sorted(mine, key=lambda e: e.outcome) == sorted(entries, key=lambda e: e.outcome)


async def test_a_caller_without_a_user_is_never_a_user_with_an_empty_name(
    delius: DeliusAdapter, sql: Any
) -> None:
    """A USER_ row with a blank name must not stand in for a caller with no user: that
    caller is denied on any case with an active exclusion, whoever it excludes."""
    crn = await sql.fetchval(
        """SELECT btrim(o.crn) FROM exclusion x JOIN offender o ON o.offender_id = x.offender_id
           WHERE o.soft_deleted = 0
             AND (x.exclusion_end_time IS NULL OR x.exclusion_end_time > LOCALTIMESTAMP)
           ORDER BY o.crn LIMIT 1"""
    )
    assert crn, "the seed must hold an active exclusion"
    user_id = await sql.fetchval(
        "INSERT INTO user_ (user_id, distinguished_name, forename, surname, private) "
        "VALUES (nextval('user_id_seq'), '', 'Blank', 'Name', 0) RETURNING user_id"
    )
    try:
        for username in (None, ""):
            found = await delius.cases_with_access([crn], username)
            assert found[crn][1].excluded
            assert (await delius.access_for_user([found[crn][0].offender_id], username))[
                found[crn][0].offender_id
            ].excluded
    finally:
        await sql.execute("DELETE FROM user_ WHERE user_id = $1", user_id)


async def test_managers_by_crn_are_the_live_cases_managers_by_offender(
    delius: DeliusAdapter, sql: Any
) -> None:
    rows = await sql.fetch(
        """SELECT crn, offender_id, soft_deleted FROM offender
           WHERE offender_id IN (SELECT offender_id FROM offender_manager) ORDER BY crn LIMIT 400"""
    )
    live = {row["crn"].strip(): row["offender_id"] for row in rows if row["soft_deleted"] == 0}
    deleted = [row["crn"].strip() for row in rows if row["soft_deleted"] == 1]
    assert deleted, "the sample must include soft-deleted offenders"
    by_crn = await delius.managers_by_crn([*live, *deleted, "Z999999"])
    by_offender = await delius.managers_by_offender(list(live.values()))
    assert dict(by_crn) == {
        crn: (offender_id, by_offender[offender_id])
        for crn, offender_id in live.items()
        if offender_id in by_offender
    }

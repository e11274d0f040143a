"""The test_decoding text form, parsed: quoting, NULLs, key changes, cut-off reads."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.delius.events_feed.decoding import parse_change, transactions


def test_quoted_values_keep_spaces_quotes_and_brackets() -> None:
    change = parse_change(
        7,
        "table public.contact: INSERT: contact_id[bigint]:5 notes[text]:'it''s [x]:y z'"
        " contact_date[date]:'2026-01-02' staff_id[bigint]:null",
    )
    assert change is not None
    assert change.table == "public.contact"
    assert change.kind == "INSERT"
    assert change.columns == {
        "contact_id": "5",
        "notes": "it's [x]:y z",
        "contact_date": "2026-01-02",
        "staff_id": None,
    }


def test_an_update_that_changed_the_key_keeps_the_new_row() -> None:
    change = parse_change(
        9,
        "table public.event: UPDATE: old-key: event_id[bigint]:1 new-tuple: event_id[bigint]:2"
        " offender_id[bigint]:3",
    )
    assert change is not None
    assert change.columns == {"event_id": "2", "offender_id": "3"}


def test_only_whole_transactions_are_returned_with_their_commit_time() -> None:
    rows = [
        (1, 10, "BEGIN 10"),
        (2, 10, "table public.offender: UPDATE: offender_id[bigint]:4 crn[character varying]:'X1'"),
        (3, 10, "message: transactional: 1 prefix: other, sz: 1 content:x"),
        (4, 10, "COMMIT 10 (at 2026-12-07 17:00:01.5+00)"),
        (4, 11, "BEGIN 11"),
        (5, 11, "table public.offender: UPDATE: offender_id[bigint]:5"),
    ]
    [done] = transactions(rows)
    assert (done.xid, done.end_lsn) == (10, 4)
    assert done.committed_at == datetime(2026, 12, 7, 17, 0, 1, 500000, tzinfo=UTC)
    assert [c.columns["offender_id"] for c in done.changes] == ["4"]

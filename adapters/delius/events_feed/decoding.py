"""Reading ``test_decoding`` output: committed transactions made of row changes.

``test_decoding`` ships with every PostgreSQL (the embedded wheel has no wal2json), and
its text form is stable: ``table public.contact: INSERT: col[type]:value ...``, with
``BEGIN``/``COMMIT`` rows around each transaction. Without a replica identity of FULL
(which would change the legacy tables) an UPDATE carries the whole new row and a DELETE
only the primary key; so a change is judged on the row as it is now, never on a diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

_CHANGE = re.compile(
    r"^table (?P<schema>[^.]+)\.(?P<table>[^:]+): (?P<kind>INSERT|UPDATE|DELETE): "
)
_COLUMN = re.compile(
    r"(?P<name>\"[^\"]+\"|\w+)\[(?P<type>[^\]]+(?:\[\])?)\]:(?P<value>'(?:[^']|'')*'|\S+)"
)
_COMMIT = re.compile(r"^COMMIT \d+(?: \(at (?P<at>[^)]+)\))?")

Columns = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row inserted, updated or deleted; values as text (None for SQL NULL)."""

    lsn: int
    table: str
    kind: str
    columns: Columns

    def number(self, name: str) -> int | None:
        """A column as an integer, or None."""
        value = self.columns.get(name)
        return int(value) if value is not None else None


@dataclass(slots=True)
class Transaction:
    """A committed transaction: its changes in order, its end LSN and commit time."""

    xid: int
    changes: list[RowChange] = field(default_factory=list)
    end_lsn: int = 0
    committed_at: datetime | None = None


def transactions(rows: Iterable[tuple[int, int, str]]) -> list[Transaction]:
    """Group ``(lsn, xid, data)`` rows of a slot into whole committed transactions.

    A transaction cut short at the end of a read (no COMMIT row yet) is left out: it is
    read again, whole, next time.
    """
    done: list[Transaction] = []
    current: Transaction | None = None
    for lsn, xid, data in rows:
        if data.startswith("BEGIN"):
            current = Transaction(xid=xid)
        elif data.startswith("COMMIT") and current is not None:
            current.end_lsn = lsn
            match = _COMMIT.match(data)
            if match and match.group("at"):
                current.committed_at = datetime.fromisoformat(match.group("at"))
            done.append(current)
            current = None
        elif current is not None and (change := parse_change(lsn, data)) is not None:
            current.changes.append(change)
    return done


def parse_change(lsn: int, data: str) -> RowChange | None:
    """One ``table ...`` row as a ``RowChange``; None for anything else (messages)."""
    match = _CHANGE.match(data)
    if match is None:
        return None
    rest = data[match.end() :]
    if "new-tuple:" in rest:  # an UPDATE that changed the key: keep the new row
        rest = rest.split("new-tuple:", 1)[1]
    columns: dict[str, str | None] = {}
    for column in _COLUMN.finditer(rest):
        columns[column.group("name").strip('"').lower()] = _value(column.group("value"))
    table = match.group("table").strip('"').lower()
    return RowChange(
        lsn=lsn,
        table=f"{match.group('schema').lower()}.{table}",
        kind=match.group("kind"),
        columns=columns,
    )


def _value(raw: str) -> str | None:
    if raw == "null":
        return None
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    return raw

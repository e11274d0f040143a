"""PostGraphile's batch lookup: the indexed SQL function its users write, and its plan.

``bench/postgraphile/batch.sql`` creates ``postgraphile_api.offenders_by_crns`` in a schema
of its own; PostGraphile exposes it as ``offendersByCrns``. ``explain`` runs the
function's statement for one batch under ``EXPLAIN ANALYZE`` so the results can show it
reads the offender table through its CRN index, and what that costs PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

BATCH_SQL = Path(__file__).with_name("postgraphile") / "batch.sql"


async def install(dsn: str) -> None:
    """Create the batch-lookup function (idempotent)."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(BATCH_SQL.read_text())
    finally:
        await connection.close()


@dataclass(frozen=True, slots=True)
class Explained:
    """What ``EXPLAIN ANALYZE`` said about one batch lookup."""

    scans: tuple[str, ...]
    """Each scan node of the plan, as ``"Index Scan on offender using xie1offender"`` or
    ``"Bitmap Index Scan using xie1offender"``."""
    execution_ms: float
    rows: int

    @property
    def indexed(self) -> bool:
        """Whether the offender table was read through an index, not scanned whole."""
        return any("xie1offender" in s.lower() for s in self.scans) and not any(
            s.startswith("Seq Scan on offender") for s in self.scans
        )


def _scans(node: dict[str, Any]) -> list[str]:
    found = []
    if "Scan" in node.get("Node Type", ""):
        table = f" on {node['Relation Name']}" if "Relation Name" in node else ""
        index = f" using {node['Index Name']}" if "Index Name" in node else ""
        found.append(f"{node['Node Type']}{table}{index}")
    for child in node.get("Plans", ()):
        found += _scans(child)
    return found


async def explain(dsn: str, crns: Sequence[str]) -> Explained:
    """``EXPLAIN ANALYZE`` of the function's query for one batch of CRNs."""
    connection = await asyncpg.connect(dsn)
    try:
        raw = await connection.fetchval(
            "EXPLAIN (ANALYZE, FORMAT JSON) "
            "SELECT * FROM postgraphile_api.offenders_by_crns($1::text[])",
            list(crns),
        )
    finally:
        await connection.close()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    return Explained(
        scans=tuple(_scans(plan["Plan"])),
        execution_ms=float(plan["Execution Time"]),
        rows=int(plan["Plan"].get("Actual Rows", 0)),
    )

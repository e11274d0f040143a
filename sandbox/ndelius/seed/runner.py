"""``seed_database``: the organisation first, then people in chunks, then sequences.

Chunks run in worker processes (one per core by default): each generates its people and
COPYs them on its own connection, so generation and loading overlap. The result does
not depend on the number of workers or the chunk size.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import asyncpg

from sandbox.ndelius.seed.cases import run_chunk, seed_chunk
from sandbox.ndelius.seed.copy import ALL_TABLES, ORGANISATION_COLUMNS, advance_sequences, copy_rows
from sandbox.ndelius.seed.organisation import Organisation, build_organisation
from sandbox.ndelius.seed.reference import SEED_TODAY

DEFAULT_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run wrote: rows per table, and how long it took."""

    offenders: int
    seed: int
    rows: Mapping[str, int]
    elapsed_seconds: float

    @property
    def total_rows(self) -> int:
        """Rows written over all tables."""
        return sum(self.rows.values())


async def seed_database(
    dsn: str,
    *,
    offenders: int,
    seed: int = 1,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    today: date | None = None,
) -> SeedReport:
    """Fill a database holding the freshly loaded contract with ``offenders`` people.

    Deterministic: the same (offenders, seed, today) gives the same rows, whatever
    ``workers`` and ``chunk_size`` are. Dates are laid out around ``SEED_TODAY`` and moved
    to ``today`` when another day is given (the demo passes the real date, so that
    appointments are in the future).
    """
    shift_days = (today - SEED_TODAY).days if today is not None else 0
    if offenders < 1:
        raise ValueError("offenders must be at least 1")
    started = time.perf_counter()
    organisation, organisation_rows = build_organisation(
        offenders, random.Random(f"ndelius-organisation:{seed}")
    )
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            await copy_rows(connection, organisation_rows, ORGANISATION_COLUMNS, shift_days)
        ranges = [(s, min(s + chunk_size, offenders)) for s in range(0, offenders, chunk_size)]
        counts = Counter({t: len(r) for t, r in organisation_rows.items()})
        chunks = await _run_chunks(dsn, seed, offenders, ranges, organisation, workers, shift_days)
        for chunk in chunks:
            counts.update(chunk)
        await advance_sequences(connection)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    rows = {table: counts.get(table, 0) for table in ALL_TABLES}
    return SeedReport(offenders, seed, rows, time.perf_counter() - started)


async def _run_chunks(
    dsn: str,
    seed: int,
    offenders: int,
    ranges: list[tuple[int, int]],
    organisation: Organisation,
    workers: int | None,
    shift_days: int,
) -> list[dict[str, int]]:
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers == 1 or len(ranges) == 1:
        return [
            await seed_chunk(dsn, seed, offenders, a, b, organisation, shift_days)
            for a, b in ranges
        ]
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(ranges)), mp_context=context) as pool:
        futures = [
            loop.run_in_executor(
                pool, run_chunk, dsn, seed, offenders, a, b, organisation, shift_days
            )
            for a, b in ranges
        ]
        return list(await asyncio.gather(*futures))

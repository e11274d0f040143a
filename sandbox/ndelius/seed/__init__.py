"""Deterministic synthetic nDelius data: organisation, people, events, contacts, flags, LAO.

``seed_database(dsn, offenders=N, seed=S)`` fills a database that holds the freshly
loaded contract. All dates are relative to ``SEED_TODAY``; nothing reads the clock.
"""

from sandbox.ndelius.seed.reference import SEED_TODAY
from sandbox.ndelius.seed.runner import SeedReport, seed_database

__all__ = ["SEED_TODAY", "SeedReport", "seed_database"]

"""Fixed points of the seed: its reference "today", id ranges and the contract's reference ids.

The reference ids are the fixed, small ids of ``reference-data.sql`` (a contract that
never changes), so the seed does not need to look them up. Every date in the seed is
expressed relative to ``SEED_TODAY`` so that the data never depends on the clock.
"""

from __future__ import annotations

from datetime import date, datetime

SEED_TODAY = date(2026, 11, 26)
TODAY_ORD = SEED_TODAY.toordinal()
DUMMY_DAY = date(1970, 1, 1)

ID_BASE = 2_500_000_000
SYSTEM_USER_ID = ID_BASE

# Ids of one person's rows: ID_BASE + person_index * stride + n, n < stride. Sparse, as
# live ids are; the stride bounds how many rows of a table one person can have.
STRIDES: dict[str, int] = {
    "offender": 4,
    "alias": 4,
    "offender_address": 8,
    "offender_manager": 8,
    "exclusion": 8,
    "restriction": 4,
    "event": 8,
    "main_offence": 16,
    "additional_offence": 16,
    "court_appearance": 8,
    "disposal": 8,
    "rqmnt": 32,
    "custody": 8,
    "key_date": 64,
    "contact": 2048,
    "registration": 16,
    "deregistration": 16,
}
MAX_CONTACTS = STRIDES["contact"]

GENDER = {"M": 101, "F": 102, "N": 103, "O": 104}
ETHNICITY_WEIGHTS = {
    201: 62, 202: 2, 203: 7, 204: 4, 205: 5, 206: 5, 207: 4, 208: 4, 209: 3, 210: 4,
}  # fmt: skip
TITLE = {"MR": 301, "MRS": 302, "MS": 303, "MISS": 304, "MX": 305, "DR": 306}
LANGUAGE_WEIGHTS = {401: 90, 402: 2, 403: 4, 404: 2, 405: 1, 406: 1}
ADDRESS_MAIN, ADDRESS_PREVIOUS, ADDRESS_SECONDARY = 501, 502, 503
MAPPA_LEVELS = {601: 60, 602: 30, 603: 10}
MAPPA_CATEGORIES = {701: 40, 702: 50, 704: 10}
IOM_CATEGORY = 705
GRADE_WEIGHTS = {901: 50, 902: 35, 903: 8, 904: 7}
TIERS = tuple(range(1001, 1017))
UNITS_HOURS, UNITS_DAYS, UNITS_MONTHS = 1101, 1102, 1104
CUSTODY_STATUS = {"A": 1301, "B": 1302, "C": 1303, "P": 1306, "T": 1308}
KEY_DATE_TYPE = {"SED": 1401, "LED": 1402, "ACR": 1403, "PED": 1404, "HDE": 1405,
                 "EXP": 1406, "PSSED": 1407}  # fmt: skip
ALLOCATION_INITIAL, ALLOCATION_REALLOCATION, ALLOCATION_TRANSFER = 1501, 1502, 1503
APPEARANCE_SENTENCE, APPEARANCE_ADJOURNED = 1601, 1602
PLEA_GUILTY, PLEA_NOT_GUILTY = 1701, 1702
OUTCOME_COMMUNITY, OUTCOME_CUSTODY, OUTCOME_ADJOURNED = 1801, 1802, 1803
PRISONS = (1, 2, 3)  # R_INSTITUTION ids, ESTABLISHMENT 'Y'

# R_OFFENCE id -> weight (shoplifting, assault and drugs are common; murder is rare).
OFFENCE_WEIGHTS = {
    1: 1, 2: 3, 3: 1, 4: 10, 5: 2, 6: 6, 7: 5, 8: 5, 9: 4, 10: 12, 11: 4,
    12: 4, 13: 2, 14: 8, 15: 5, 16: 5, 17: 6, 18: 12, 19: 5, 20: 3, 21: 6,
}  # fmt: skip

# R_DISPOSAL_TYPE ids by code, with the sentence lengths (months) courts hand down.
DISPOSAL = {"329": 1, "332": 2, "307": 3, "303": 4, "335": 5, "201": 7, "202": 8}
CUSTODIAL = frozenset({3, 4, 5})
COMMUNITY = frozenset({1, 2})
DISPOSAL_WEIGHTS = {1: 40, 2: 20, 3: 8, 4: 12, 5: 12, 7: 4, 8: 4}
SUPERVISED_WEIGHTS = {1: 44, 2: 22, 3: 9, 4: 12, 5: 13}
LENGTHS: dict[int, tuple[int, ...]] = {
    1: (6, 9, 12, 12, 18, 18, 24, 24, 36),
    2: (6, 12, 12, 18, 24),
    3: (1, 2, 3, 4, 6, 8, 10, 11),
    4: (12, 18, 24, 30, 36, 48, 60),
    5: (6, 9, 12, 18, 24, 36, 48),
    7: (),
    8: (6, 12, 24),
}

# Requirement main category id -> (weight, sub-category choices, unit, lengths).
RQMNT_CATEGORIES: dict[int, tuple[int, tuple[int, ...], int, tuple[int, ...]]] = {
    1: (40, (1201,), UNITS_DAYS, (10, 15, 20, 25, 30, 40, 60)),
    2: (30, (1202, 1202, 1202, 1202, 1203), UNITS_HOURS, (40, 60, 80, 100, 120, 150, 200, 300)),
    3: (10, (1205, 1205, 1205, 1204), UNITS_DAYS, (20, 25, 30, 35)),
    4: (10, (1206,), UNITS_MONTHS, (1, 2, 3, 4, 6)),
    5: (5, (1207,), UNITS_MONTHS, (6, 9, 12)),
    6: (5, (1208,), UNITS_MONTHS, (6,)),
}
RAR_CATEGORY = 1

# R_CONTACT_TYPE ids.
APPOINTMENT_TYPES = {3: 45, 4: 15, 5: 8, 6: 7, 1: 3, 2: 2, 7: 5}  # COAP COPT COVC CHVS COAI COHV
NOTE_TYPES = {8: 12, 9: 15, 10: 15, 11: 20, 14: 3, 16: 5}  # CMOA CMOB CTOA CTOB ERGR EOAS
OFFICE_TYPES = frozenset({1, 3})
RAR_TYPES = frozenset({3, 4, 5, 7})
CONTACT_EAPP, CONTACT_ERGN, CONTACT_ERGD = 12, 13, 15

# R_CONTACT_OUTCOME_TYPE id -> (weight, ATTENDED, COMPLIED), flags as the reference rows.
OUTCOMES: dict[int, tuple[int, str, str]] = {
    1: (70, "Y", "Y"), 2: (4, "Y", "N"), 3: (1, "Y", "N"), 4: (7, "N", "N"), 5: (3, "N", "N"),
    6: (5, "N", "Y"), 7: (4, "N", "Y"), 8: (4, "N", "Y"), 9: (2, "N", "Y"),
}  # fmt: skip

# R_REGISTER_TYPE ids.
ROSH_WEIGHTS = {1: 30, 2: 45, 3: 20, 4: 5}  # RLRH RMRH RHRH RVHR
OTHER_REGISTER_WEIGHTS = {
    5: 8, 6: 3, 7: 12, 8: 8, 9: 6, 10: 10, 11: 8, 12: 10, 13: 6, 14: 4, 15: 1, 16: 3,
}  # fmt: skip
REGISTER_COLOUR = {
    1: "Green", 2: "Amber", 3: "Red", 4: "Red", 5: "Red", 6: "Red", 7: "Red", 8: "Amber",
    9: "Red", 10: "Red", 11: "Amber", 12: "White", 13: "Red", 14: "Amber", 15: "Red", 16: "Red",
}  # fmt: skip
REVIEW_MONTHS = {10: 3, 6: 12, 16: 12}  # others: 6
MAPPA_TYPE, IOM_TYPE = 5, 12
COLOUR_RANK = {"Red": 4, "Amber": 3, "Green": 2, "White": 1}

EXCLUSION_MESSAGE = (
    "You are excluded from viewing this offender record. "
    "Please contact the Offender Manager for more information."
)
RESTRICTION_MESSAGE = "This is a restricted offender record. Please contact a system administrator."


def day(offset: int) -> date:
    """The day ``offset`` days after SEED_TODAY (negative: before)."""
    return date.fromordinal(TODAY_ORD + offset)


def stamp(on: date, hour: int = 9) -> datetime:
    """An audit timestamp on a given day."""
    return datetime(on.year, on.month, on.day, hour)


class CaseIds:
    """Hands out the ids of one person's rows from that person's slice of each sequence."""

    __slots__ = ("_index", "_used")

    def __init__(self, index: int) -> None:
        self._index = index
        self._used: dict[str, int] = {}

    def take(self, table: str) -> int:
        """The next id for ``table`` in this person's slice."""
        used = self._used.get(table, 0)
        stride = STRIDES[table]
        if used >= stride:
            raise OverflowError(f"person {self._index} has more than {stride} {table} rows")
        self._used[table] = used + 1
        return ID_BASE + self._index * stride + used

    def remaining(self, table: str) -> int:
        """How many more ids ``table`` has room for."""
        return STRIDES[table] - self._used.get(table, 0)

"""Real keys from the seeded nDelius, and the ``_entities`` query the federation tests send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Case { crn name { surname } }
    ... on Staff { code surname }
    ... on Team { code description }
    ... on Provider { code isPrivate }
  }
}
"""


@dataclass(frozen=True)
class Keys:
    """Keys of live rows, with the values the graph must answer for them."""

    visible_crns: list[str]
    surnames: dict[str, str]
    limited_crn: str
    staff: dict[str, str]
    teams: dict[str, str]
    providers: dict[str, bool]


async def known_keys(sql: Any) -> Keys:
    """Read keys and expected values straight from the legacy tables."""
    visible = await sql.fetch(
        """SELECT crn, surname FROM offender WHERE soft_deleted = 0
           AND current_exclusion = 0 AND current_restriction = 0 ORDER BY crn LIMIT 100"""
    )
    limited = await sql.fetchval(
        """SELECT crn FROM offender WHERE soft_deleted = 0
           AND (current_exclusion = 1 OR current_restriction = 1) ORDER BY crn LIMIT 1"""
    )
    staff = await sql.fetch("SELECT officer_code, surname FROM staff ORDER BY officer_code LIMIT 5")
    teams = await sql.fetch("SELECT code, description FROM team ORDER BY code LIMIT 5")
    providers = await sql.fetch(
        "SELECT code, private FROM probation_area WHERE institution_id IS NULL "
        "ORDER BY code LIMIT 3"
    )
    assert visible, "the seed must hold visible cases"
    assert limited is not None, "the seed must hold a limited-access case"
    return Keys(
        visible_crns=[row["crn"].strip() for row in visible],
        surnames={row["crn"].strip(): row["surname"] for row in visible},
        limited_crn=limited.strip(),
        staff={row["officer_code"].strip(): row["surname"] for row in staff},
        teams={row["code"].strip(): row["description"] for row in teams},
        providers={row["code"].strip(): row["private"] == 1 for row in providers},
    )


def case(crn: str) -> dict[str, str]:
    return {"__typename": "Case", "crn": crn}


def staff(code: str) -> dict[str, str]:
    return {"__typename": "Staff", "code": code}


def team(code: str) -> dict[str, str]:
    return {"__typename": "Team", "code": code}


def provider(code: str) -> dict[str, str]:
    return {"__typename": "Provider", "code": code}


def slot_errors(body: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """Each error's path and code, in the order given."""
    return [(error["path"], error["extensions"]["code"]) for error in body.get("errors", [])]

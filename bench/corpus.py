"""The request corpus: realistic CRNs from the seeded database, and the requests per query.

CRNs are live cases with an active event and a current manager, not limited-access,
taken round-robin across providers in a stable pseudo-random order, so every provider
is represented and reruns on the same seed send the same requests.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from bench import documents
from bench.load import Request

_CASES = """
WITH candidate AS (
    SELECT rtrim(o.crn) AS crn, o.first_name, o.surname, om.probation_area_id,
           (SELECT count(*) FROM contact c
            WHERE c.offender_id = o.offender_id AND c.soft_deleted = 0) AS contacts
    FROM offender o
    JOIN offender_manager om ON om.offender_id = o.offender_id
         AND om.active_flag = 1 AND om.soft_deleted = 0
    WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
      AND EXISTS (SELECT 1 FROM event e WHERE e.offender_id = o.offender_id
                  AND e.active_flag = 1 AND e.soft_deleted = 0)
      AND (SELECT count(*) FROM offender d WHERE d.crn = o.crn AND d.soft_deleted = 0) = 1
      AND o.offender_id % 97 < $2
)
SELECT crn, first_name, surname, contacts FROM (
    SELECT *, row_number() OVER (PARTITION BY probation_area_id ORDER BY md5(crn)) AS turn
    FROM candidate
) ranked
ORDER BY turn, md5(crn)
LIMIT $1
"""

QUERIES = ("overview", "cases50", "search", "contacts_page5", "entities100")
DB_ONLY = ("overview", "cases50")
CASE_VIEWS = ("caseview", "caseview50")
"""What a case view shows first (with main offences and the latest 20 contacts), for one
case and for 50: asked of Case Graph and PostGraphile."""


@dataclass(frozen=True, slots=True)
class Person:
    """A case the corpus may ask about."""

    crn: str
    forename: str
    surname: str
    contacts: int


async def pick_cases(dsn: str, count: int = 600) -> list[Person]:
    """Up to ``count`` visible, active cases spread across providers."""
    connection = await asyncpg.connect(dsn)
    try:
        for share in (10, 40, 97):  # sample a slice of the table first: it is large
            rows = await connection.fetch(_CASES, count, share)
            if len(rows) >= count:
                break
    finally:
        await connection.close()
    return [Person(r["crn"], r["first_name"], r["surname"], r["contacts"]) for r in rows]


def _misspelt(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _chunks(people: Sequence[Person], size: int, count: int, rng: random.Random) -> list[list[str]]:
    crns = [p.crn for p in people]
    return [rng.sample(crns, min(size, len(crns))) for _ in range(count)]


def casegraph_requests(people: Sequence[Person]) -> dict[str, list[Request]]:
    """Case Graph's requests per query (contacts_page5 is added once cursors are known)."""
    rng = random.Random(20261126)
    overview = [Request("/graphql", {"query": documents.OVERVIEW, "variables": {"crn": p.crn}})
                for p in people[:300]]  # fmt: skip
    cases = [Request("/graphql", {"query": documents.CASES, "variables": {"crns": chunk}})
             for chunk in _chunks(people, 50, 30, rng)]  # fmt: skip
    names = []
    for index, person in enumerate(people[:150]):
        kind = index % 3
        names.append(
            person.surname if kind == 0
            else f"{person.forename} {person.surname}" if kind == 1
            else _misspelt(person.surname, rng)
        )  # fmt: skip
    search = [Request("/graphql", {"query": documents.SEARCH, "variables": {"name": n}})
              for n in names]  # fmt: skip
    entities = [
        Request("/graphql", {"query": documents.ENTITIES,
                             "variables": {"r": [{"__typename": "Case", "crn": c} for c in chunk]}})
        for chunk in _chunks(people, 100, 20, rng)
    ]  # fmt: skip
    views = [Request("/graphql", {"query": documents.CASE_VIEW, "variables": {"crn": p.crn}})
             for p in people[:300]]  # fmt: skip
    view_lists = [
        Request("/graphql", {"query": documents.CASE_VIEW_LIST, "variables": {"crns": chunk}})
        for chunk in _chunks(people, 50, 30, rng)
    ]  # fmt: skip
    return {"overview": overview, "cases50": cases, "search": search, "entities100": entities,
            "caseview": views, "caseview50": view_lists}  # fmt: skip


def _variables(request: Request) -> dict[str, Any]:
    variables: dict[str, Any] = request.body["variables"]  # type: ignore[assignment]
    return variables


def postgraphile_requests(casegraph: dict[str, list[Request]]) -> dict[str, list[Request]]:
    """PostGraphile's equivalents of the DB-only queries, for the same CRNs."""
    today = datetime.date.today().isoformat()
    return {
        "overview": [
            Request("/graphql", {"query": documents.POSTGRAPHILE_OVERVIEW,
                                 "variables": {"crn": _variables(r)["crn"], "today": today}})
            for r in casegraph["overview"]
        ],
        "cases50": [
            Request("/graphql", {"query": documents.POSTGRAPHILE_CASES,
                                 "variables": {"crns": _variables(r)["crns"]}})
            for r in casegraph["cases50"]
        ],
        "caseview": [
            Request("/graphql", {"query": documents.POSTGRAPHILE_CASE_VIEW,
                                 "variables": {"crn": _variables(r)["crn"]}})
            for r in casegraph["caseview"]
        ],
        "caseview50": [
            Request("/graphql", {"query": documents.POSTGRAPHILE_CASE_VIEW_LIST,
                                 "variables": {"crns": _variables(r)["crns"]}})
            for r in casegraph["caseview50"]
        ],
    }  # fmt: skip


def floor_requests(casegraph: dict[str, list[Request]]) -> dict[str, list[Request]]:
    """The floor's requests for the same CRNs."""
    return {
        "overview": [
            Request("/overview", {"crn": _variables(r)["crn"]}) for r in casegraph["overview"]
        ],
        "cases50": [
            Request("/cases", {"crns": _variables(r)["crns"]}) for r in casegraph["cases50"]
        ],
    }


def contacts_page5_requests(
    url: str, people: Sequence[Person], headers: dict[str, str], count: int = 40
) -> list[Request]:
    """Follow ``endCursor`` from page 1 to page 5 (20 a page) and keep page 5's request."""
    busy = [p for p in people if p.contacts > 100][:count]
    found: list[Request] = []
    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        for person in busy:
            variables: dict[str, object] = {"crn": person.crn, "after": None}
            for _ in range(4):
                body = client.post(
                    "/graphql", json={"query": documents.CONTACTS_PAGE, "variables": variables}
                ).json()
                info = body["data"]["case"]["contacts"]["pageInfo"]
                variables = {"crn": person.crn, "after": info["endCursor"]}
            found.append(
                Request("/graphql", {"query": documents.CONTACTS_PAGE, "variables": variables})
            )
    return found

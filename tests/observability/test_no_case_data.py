"""No metric label and no span attribute holds a CRN, a name or a date of birth, under fuzzing.

Hypothesis draws requests up front (fixed seed) that put case data everywhere a client
can: real and mangled CRNs in variables, inline in documents and in GET query strings,
names and dates of birth in searches, CRN- and date-shaped operation names, correlation
ids made of CRNs. A traced server (every span kept, OASys and CRCs behind it) answers them;
then every label of ``/metrics`` and every span name, attribute and event is searched for
the real CRNs, names and dates of birth of the people asked about, and for anything
shaped like a CRN.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import strategies as st

from api.settings import Settings
from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer
from tests.conftest import Tokens
from tests.drawn_up_front import draw_up_front
from tests.metrics_text import samples
from tests.observability.cases import OVERVIEW, crns_known_everywhere
from tests.observability.serving import backend_env, serving

pytestmark = pytest.mark.asyncio(loop_scope="session")

SEED = 20261207
EXAMPLES = 120
CRN_SHAPE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{6}(?![0-9])")
SEARCH = """query Find($name: String, $dob: Date) {
  searchCases(query: {name: $name, dateOfBirth: $dob}, first: 3) { edges { node { crn } } }
}"""


@dataclass(frozen=True)
class Person:
    crn: str
    forename: str
    surname: str
    born: date


@dataclass(frozen=True)
class Sent:
    method: str
    params: dict[str, str] | None
    body: dict[str, Any] | None
    headers: dict[str, str]


def requests(people: list[Person]) -> st.SearchStrategy[Sent]:
    person = st.sampled_from(people)
    crn = st.one_of(
        person.map(lambda p: p.crn),
        person.map(lambda p: p.crn.lower()),
        person.map(lambda p: f" {p.crn} "),
        st.from_regex(r"[A-Z][0-9]{6}", fullmatch=True),
    )
    name = st.one_of(
        st.just("CaseOverview"),
        crn.map(lambda c: c.strip()),
        person.map(lambda p: f"D{p.born:%Y%m%d}"),
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True),
    )
    correlation = st.one_of(st.just(""), crn.map(lambda c: c.strip()))

    def overview(crn: str, operation: str, correlation: str, by_get: bool) -> Sent:
        document = OVERVIEW.replace("CaseOverview", operation)
        headers = {"X-Correlation-Id": correlation} if correlation else {}
        variables = {"crn": crn}
        if by_get:
            params = {"query": document, "variables": json.dumps(variables)}
            return Sent("GET", params, None, headers)
        return Sent("POST", None, {"query": document, "variables": variables}, headers)

    def inline(crn: str) -> Sent:
        return Sent("POST", None, {"query": f'{{ case(crn: "{crn}") {{ crn }} }}'}, {})

    def search(found: Person, spelling: int, with_dob: bool) -> Sent:
        names = (f"{found.forename} {found.surname}", found.surname, found.surname[:-1] + "x")
        variables: dict[str, Any] = {"name": names[spelling % 3]}
        if with_dob:
            variables["dob"] = found.born.isoformat()
        return Sent("POST", None, {"query": SEARCH, "variables": variables}, {})

    return st.one_of(
        st.builds(overview, crn, name, correlation, st.booleans()),
        st.builds(inline, crn),
        st.builds(search, person, st.integers(0, 2), st.booleans()),
    )


def span_texts(path: Path) -> list[str]:
    """Every span's name, attribute values, event attributes and status, as text."""
    texts: list[str] = []
    for line in path.read_text().splitlines():
        span = json.loads(line)
        texts.append(span["name"])
        texts.extend(str(v) for v in span["attributes"].values())
        texts.extend(str(v) for e in span["events"] for v in e["attributes"].values())
        texts.append(str(span["status"].get("description", "")))
    return texts


def leaks(texts: list[str], people: list[Person]) -> list[str]:
    """Texts holding a CRN shape, or an asked-about person's name or date of birth."""
    words = {p.forename.lower() for p in people} | {p.surname.lower() for p in people}
    births = {p.born.isoformat() for p in people} | {f"{p.born:%d/%m/%Y}" for p in people}
    found = []
    for text in texts:
        tokens = {t.lower() for t in re.findall(r"[A-Za-z'-]+", text)}
        if CRN_SHAPE.search(text) or tokens & words or any(b in text for b in births):
            found.append(text)
    return found


async def test_fuzzed_case_data_reaches_no_label_and_no_span(
    settings: Settings,
    oasys: OasysServer,
    crcs: CrcServers,
    tokens: Tokens,
    sql: Any,
    tmp_path: Path,
) -> None:
    crns = crns_known_everywhere(oasys, crcs, per_crc=3)
    rows = await sql.fetch(
        "SELECT crn, first_name, surname, date_of_birth_date FROM offender "
        "WHERE crn = ANY($1::text[]) OR offender_id % 40 = 0",
        crns,
    )
    people = [Person(r[0], r[1], r[2], r[3]) for r in rows]
    spans_file = tmp_path / "spans.jsonl"
    env = backend_env(oasys, crcs) | {
        "CASEGRAPH_OTEL_EXPORTER": "jsonl",
        "CASEGRAPH_OTEL_FILE": str(spans_file),
    }
    statuses: set[int] = set()
    async with (
        serving(settings, env, tokens.header()) as server,
        httpx.AsyncClient(base_url=server.base_url, headers=tokens.header(), timeout=15) as http,
    ):
        for sent in draw_up_front(requests(people), fixed_seed=SEED, examples=EXAMPLES):
            response = await http.request(
                sent.method, "/graphql", params=sent.params, json=sent.body,
                headers=sent.headers,
            )  # fmt: skip
            statuses.add(response.status_code)
        labels = [
            value
            for (name, pairs) in samples((await http.get("/metrics")).text)
            for value in (name, *(v for _, v in pairs))
        ]
    assert statuses == {200}, statuses
    texts = span_texts(spans_file)
    # The run reached every hop: the checks below looked at real spans.
    assert any("oasys" in t for t in texts)
    assert any("/partner/v1/cases/" in t for t in texts)
    assert any(t.startswith("SELECT") for t in texts)
    assert leaks(labels, people) == []
    assert leaks(texts, people) == []

"""S1, S2, S3 (document sizes) and S4: expensive documents are refused before execution,
with one coded error, and the service carries on."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import StatementLog
from tests.security.conftest import codes, post, still_serving

pytestmark = pytest.mark.asyncio(loop_scope="session")

CRN = "X000001"


def nested(levels: int, leaf: str = "code") -> str:
    """A field selection ``levels`` deep, each level a ``provider`` field."""
    return "provider { " * (levels - 1) + leaf + " }" * (levels - 1)


DEEP_INLINE = "{ " + nested(9) + " }"
DEEP_FRAGMENTS = """
{ case(crn: "X000001") { ...Manager } }
fragment Manager on Case { manager { staff { ...Teams } } }
fragment Teams on Staff { teams { provider { a { b { c { d { e } } } } } } }
"""
CYCLIC_FRAGMENTS = """
{ case(crn: "X000001") { ...A } }
fragment A on Case { manager { ...B } }
fragment B on OffenderManager { staff { ...A } }
"""
CYCLIC_WITHOUT_FIELDS = """
{ case(crn: "X000001") { ...A } }
fragment A on Case { ...B }
fragment B on Case { ...A }
"""


@pytest.mark.parametrize(
    "document",
    [DEEP_INLINE, DEEP_FRAGMENTS, CYCLIC_FRAGMENTS, CYCLIC_WITHOUT_FIELDS],
    ids=["inline", "fragments", "cyclic-fragments", "cyclic-spreads"],
)
async def test_too_deep_is_refused_before_any_backend_call(
    hardened: httpx.AsyncClient, quiet_backend: StatementLog, document: str
) -> None:
    response = await post(hardened, document)
    body = response.json()
    assert (response.status_code, codes(body), body["data"]) == (200, ["QUERY_TOO_COMPLEX"], None)
    assert quiet_backend.statements == []
    await still_serving(hardened)


async def test_eight_levels_is_within_the_depth_limit(hardened: httpx.AsyncClient) -> None:
    document = (
        '{ case(crn: "X000001") { contacts(first: 1) { edges { node '
        "{ staff { teams { provider { code } } } } } } } }"
    )
    body = (await post(hardened, document)).json()
    assert "QUERY_TOO_COMPLEX" not in codes(body)
    assert "data" in body
    assert body["data"] is not None


async def test_sixteen_aliases_are_refused(
    hardened: httpx.AsyncClient, quiet_backend: StatementLog
) -> None:
    fields = " ".join(f'c{n}: case(crn: "X{n:06d}") {{ crn }}' for n in range(16))
    body = (await post(hardened, "{ " + fields + " }")).json()
    assert codes(body) == ["QUERY_TOO_COMPLEX"]
    assert quiet_backend.statements == []


async def test_aliases_count_every_time_a_fragment_is_spread(
    hardened: httpx.AsyncClient,
) -> None:
    spreads = " ".join(["...Named"] * 16)
    document = "{ " + spreads + " } fragment Named on Query { renamed: __typename }"
    body = (await post(hardened, document)).json()
    assert codes(body) == ["QUERY_TOO_COMPLEX"]


async def test_a_fan_of_fragments_is_measured_without_expanding_it(
    hardened: httpx.AsyncClient,
) -> None:
    """Each level spreads the next twice: 2**30 aliases if expanded, a linear walk here."""
    levels = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(30)]
    document = "{ ...F0 } " + " ".join(levels) + " fragment F30 on Query { x: __typename }"
    body = (await post(hardened, document)).json()
    assert codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "aliases" in body["errors"][0]["message"]


async def test_a_thousand_aliases_get_one_error(
    hardened: httpx.AsyncClient, quiet_backend: StatementLog
) -> None:
    fields = " ".join(f"a{n}: __typename" for n in range(1000))
    response = await post(hardened, "{ " + fields + " }")
    assert codes(response.json()) == ["QUERY_TOO_COMPLEX"]
    assert quiet_backend.statements == []
    await still_serving(hardened)


async def test_a_page_size_above_the_cap_is_bad_user_input(hardened: httpx.AsyncClient) -> None:
    document = '{ caseload(staffCode: "N07A001", first: 100000) { totalCount } }'
    body = (await post(hardened, document)).json()
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_a_document_one_character_too_long(hardened: httpx.AsyncClient) -> None:
    document = "{ __typename }"
    document += " " * (15001 - len(document))
    assert len(document) == 15001
    body = (await post(hardened, document)).json()
    assert codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "15000 characters" in body["errors"][0]["message"]


async def test_a_document_one_token_too_many(hardened: httpx.AsyncClient) -> None:
    def document(values: int) -> str:  # 12 tokens around the list
        return "{ _entities(representations: [" + "1 " * values + "]) { __typename } }"

    allowed = (await post(hardened, document(1988))).json()
    refused = (await post(hardened, document(1989))).json()
    assert "QUERY_TOO_COMPLEX" not in codes(allowed)
    assert codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert "2000 tokens" in refused["errors"][0]["message"]


async def test_comments_count_as_tokens(hardened: httpx.AsyncClient) -> None:
    document = "{ __typename }" + "\n#" * 2001
    body = (await post(hardened, document)).json()
    assert codes(body) == ["QUERY_TOO_COMPLEX"]


@pytest.mark.parametrize(
    "document",
    [
        "{ " + "__typename " * 10000 + "}",
        "{ __typename " + "@skip(if: false) " * 2000 + "}",
        "{ __typename " + "@a " * 2000 + "}",
        "{ __typename " + "@include(if: true) " * 51 + "}",
        "{ " + "unknown " * 1500 + "}",
    ],
    ids=["10000-fields", "2000-directives", "2000-unknown-directives", "51-directives", "unknowns"],
)
async def test_error_amplification_gets_one_small_error(
    hardened: httpx.AsyncClient, document: str
) -> None:
    response = await post(hardened, document)
    body = response.json()
    assert len(body["errors"]) == 1
    assert len(response.content) < 1024
    assert codes(body)[0] in {"QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED", "PAYLOAD_TOO_LARGE"}
    await still_serving(hardened)


async def test_many_invalid_fields_report_one_error_and_a_count(
    hardened: httpx.AsyncClient,
) -> None:
    body = (await post(hardened, "{ " + "unknown " * 30 + "}")).json()
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["extensions"]["omittedErrors"] >= 1


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ __typename", "GRAPHQL_PARSE_FAILED"),
        ("query { case(crn: ) }", "GRAPHQL_PARSE_FAILED"),
        ("{ notAField }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ case(crn: "X000001") }', "GRAPHQL_VALIDATION_FAILED"),
        ("{ ...Missing }", "GRAPHQL_VALIDATION_FAILED"),
        ("subscription { __typename }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ " + "[" * 1200 + "]" * 1200 + " }", "GRAPHQL_PARSE_FAILED"),
        ("{ a(x: " + "[" * 990 + "]" * 990 + ") }", "QUERY_TOO_COMPLEX"),
    ],
)
async def test_every_refused_document_carries_a_code(
    hardened: httpx.AsyncClient, document: str, code: str
) -> None:
    response = await post(hardened, document)
    assert (response.status_code, codes(response.json())) == (200, [code])
    await still_serving(hardened)

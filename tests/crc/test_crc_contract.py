"""Every stand-in response validates against partner-api.yaml (jsonschema, draft 2020-12).

Bodies are checked against the schema the contract gives for that operation and status,
including formats (date, date-time with offset); headers the contract requires are checked
too. Every case, appointment page, intervention list and unpaid work summary is covered.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.crc import CrcServers
from tests.crc.data import BUSY_CRN, PROVIDERS, crns_of

CONTRACT = Path(__file__).resolve().parents[2] / "sandbox" / "crc" / "partner-api.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
BASE_URI = "urn:partner-api"
REGISTRY = Registry().with_resource(
    BASE_URI, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
)
FORMATS = FormatChecker()
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats constrain strings only
    if not _RFC3339.match(value):
        return False
    return datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date")
def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return len(value) == 10 and bool(date.fromisoformat(value))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@functools.cache
def _validator(pointer: str) -> Draft202012Validator:
    schema = {"$ref": f"{BASE_URI}#/{pointer}"}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def assert_conforms(response: httpx.Response, path: str, method: str) -> None:
    """The response matches the contract's declared content for this status."""
    operation = DOCUMENT["paths"][path][method]
    declared = operation["responses"][str(response.status_code)]
    pointer = ["paths", path, method, "responses", str(response.status_code)]
    if "$ref" in declared:
        pointer = declared["$ref"].lstrip("#/").split("/")
        declared = DOCUMENT["components"]["responses"][pointer[-1]]
    media = next(iter(declared["content"]))
    assert response.headers["content-type"].split(";")[0] == media
    validator = _validator(_pointer(*pointer, "content", media, "schema"))
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {path} {response.status_code}: {errors}"
    for name, header in declared.get("headers", {}).items():
        header = (
            DOCUMENT["components"]["headers"][header["$ref"].split("/")[-1]]
            if ("$ref" in header)
            else header
        )
        if header.get("required"):
            assert re.fullmatch(r"\d+", response.headers[name]), name


@pytest.fixture
async def partner(crc: CrcServers) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clients: dict[str, httpx.AsyncClient] = {}
    for code in PROVIDERS:
        instance = crc[code]
        http = httpx.AsyncClient(base_url=instance.url + "/")
        token = await http.post(
            "oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(instance.credentials.client_id, instance.credentials.client_secret),
        )
        assert_conforms(token, "/oauth/token", "post")
        assert token.headers["cache-control"] == "no-store"
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        clients[code] = http
    yield clients
    for http in clients.values():
        await http.aclose()


async def test_every_case_and_batch_conforms(partner: dict[str, httpx.AsyncClient]) -> None:
    for code, http in partner.items():
        held = crns_of(code)
        for crn in held:
            assert_conforms(await http.get(f"cases/{crn}"), "/cases/{crn}", "get")
            interventions = await http.get(f"cases/{crn}/interventions")
            assert_conforms(interventions, "/cases/{crn}/interventions", "get")
            unpaid = await http.get(f"cases/{crn}/unpaid-work")
            assert_conforms(unpaid, "/cases/{crn}/unpaid-work", "get")
        batch = await http.post("/cases:batchGet", json={"crns": [*held, "Z000009"]})
        assert_conforms(batch, "/cases:batchGet", "post")
        assert batch.json()["notFound"] == ["Z000009"]


async def test_every_appointment_page_conforms(partner: dict[str, httpx.AsyncClient]) -> None:
    pages = 0
    for code, http in partner.items():
        for crn in crns_of(code):
            cursor: str | None = None
            for _ in range(100):  # bounded: no case has 100 pages
                params = {"limit": "40", **({"cursor": cursor} if cursor else {})}
                page = await http.get(f"cases/{crn}/appointments", params=params)
                assert_conforms(page, "/cases/{crn}/appointments", "get")
                pages += 1
                cursor = page.json()["nextCursor"]
                if cursor is None:
                    break
    assert pages > len(PROVIDERS) * 20  # the busy case paged


async def test_problems_conform(crc: CrcServers, partner: dict[str, httpx.AsyncClient]) -> None:
    http = partner["C01"]
    foreign = crns_of("C02")[0]
    cases = [
        (await http.get(f"cases/{foreign}"), "/cases/{crn}", 404),
        (await http.get("cases/bad"), "/cases/{crn}", 400),
        (
            await http.get(f"cases/{BUSY_CRN}/appointments", params={"limit": "101"}),
            "/cases/{crn}/appointments",
            400,
        ),
        (
            await http.get(f"cases/{BUSY_CRN}/appointments", params={"cursor": "forged"}),
            "/cases/{crn}/appointments",
            400,
        ),
        (
            await http.get(f"cases/{BUSY_CRN}/appointments", params={"from": "2025-01-01"}),
            "/cases/{crn}/appointments",
            400,
        ),
        (
            await http.post("/cases:batchGet", json={"crns": ["X100000", "nope"]}),
            "/cases:batchGet",
            400,
        ),
        (await http.post("/cases:batchGet", json={"crns": []}), "/cases:batchGet", 400),
        (
            await http.get(f"cases/{BUSY_CRN}", headers={"Authorization": "Bearer expired"}),
            "/cases/{crn}",
            401,
        ),
    ]
    crc["C01"].faults.apply({"rate_limit": {"requests": 1, "retry_after": 2}})
    cases.append((await http.get(f"cases/{BUSY_CRN}"), "/cases/{crn}", 429))
    crc["C01"].faults.apply({"down": True})
    cases.append((await http.get(f"cases/{BUSY_CRN}/unpaid-work"), "/cases/{crn}/unpaid-work", 503))
    for response, path, status in cases:
        assert response.status_code == status, path
        method = "post" if path == "/cases:batchGet" else "get"
        assert_conforms(response, path, method)
    assert cases[5][0].json()["invalidParams"] == [{"name": "crns[1]", "reason": "is not a CRN"}]
    assert cases[7][0].headers["www-authenticate"].startswith("Bearer")
    assert cases[8][0].headers["retry-after"] == "2"


async def test_a_cursor_only_works_with_its_own_filters(
    partner: dict[str, httpx.AsyncClient],
) -> None:
    http = partner["C01"]
    first = await http.get(f"cases/{BUSY_CRN}/appointments", params={"limit": "10"})
    cursor = first.json()["nextCursor"]
    moved = await http.get(
        f"cases/{BUSY_CRN}/appointments",
        params={"cursor": cursor, "from": "2025-03-01T00:00:00Z"},
    )
    assert moved.status_code == 400
    assert_conforms(moved, "/cases/{crn}/appointments", "get")


async def test_token_errors_conform(crc: CrcServers) -> None:
    instance = crc["C03"]
    async with httpx.AsyncClient(base_url=instance.url + "/") as http:
        wrong = await http.post(
            "oauth/token", data={"grant_type": "client_credentials"}, auth=("who", "me")
        )
        grant = await http.post(
            "oauth/token",
            data={
                "grant_type": "password",
                "client_id": instance.credentials.client_id,
                "client_secret": instance.credentials.client_secret,
            },
        )
        form = await http.post(
            "oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": instance.credentials.client_id,
                "client_secret": instance.credentials.client_secret,
            },
        )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert wrong.headers["www-authenticate"]
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    assert form.status_code == 200
    for response in (wrong, grant, form):
        assert_conforms(response, "/oauth/token", "post")


async def test_correlation_id_is_echoed(partner: dict[str, httpx.AsyncClient]) -> None:
    http = partner["C02"]
    found = await http.get(f"cases/{crns_of('C02')[0]}", headers={"X-Correlation-Id": "abc-123"})
    missing = await http.get("cases/Z000001", headers={"X-Correlation-Id": "abc-456"})
    assert found.headers["x-correlation-id"] == "abc-123"
    assert missing.headers["x-correlation-id"] == "abc-456"
    assert missing.json()["correlationId"] == "abc-456"

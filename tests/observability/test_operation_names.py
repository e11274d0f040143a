"""Operation-name labels are bounded and never shaped like case data."""

from __future__ import annotations

from api.request_metrics import OperationNames
from api.trusted_documents import TrustedDocuments
from resolvers.documents import sha256

DOCUMENT = "query CaseOverview($crn: ID!) { case(crn: $crn) { crn } }"


def test_without_a_manifest_the_first_names_are_kept_up_to_the_cap() -> None:
    names = OperationNames(cap=2)
    assert [names.label(n) for n in ("A", "B", "C", "A", None)] == [
        "A",
        "B",
        "other",
        "A",
        "anonymous",
    ]


def test_names_shaped_like_case_data_or_not_like_names_are_other() -> None:
    names = OperationNames()
    for name in ("X123456", "born_1980-01-02", "two words", "x" * 65, "é"):
        assert names.label(name) == "other", name


def test_with_a_manifest_only_its_operations_are_named() -> None:
    names = OperationNames.of(TrustedDocuments(by_hash={sha256(DOCUMENT): DOCUMENT}, enforced=True))
    assert names.label("CaseOverview") == "CaseOverview"
    assert names.label("Smith") == "other"

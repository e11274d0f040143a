"""A partner's own subgraph for the cluster demo: it extends ``Case`` with notes of its own.

A stand-in for a CRC or a front-end team composing Case Graph into their supergraph: the
gateway plans queries across both (``case { partnerNotes }`` here, the rest from Case
Graph). Run ``python -m sandbox.cluster.partner PORT``.
"""

from __future__ import annotations

import sys

import strawberry
import uvicorn
from strawberry.asgi import GraphQL


@strawberry.federation.type(keys=["crn"], description="A case, as the partner knows it.")
class Case:
    """A case by its CRN, with the partner's notes."""

    crn: strawberry.ID = strawberry.field(description="Case Reference Number.")

    @strawberry.field(description="Notes the partner keeps on the case, oldest first.")
    def partner_notes(self) -> list[str]:
        return [f"Partner review of {self.crn}: no concerns."]

    @classmethod
    def resolve_reference(cls, crn: strawberry.ID) -> Case:
        """Any CRN: the partner keeps notes on whichever case it is asked about."""
        return cls(crn=crn)


@strawberry.type(description="What the partner answers on its own.")
class Query:
    """The partner's root fields."""

    @strawberry.field(description="Cases the partner has flagged for review (none here).")
    def flagged_cases(self) -> list[Case]:
        return []


def build_partner_schema() -> strawberry.federation.Schema:
    """The partner subgraph's schema (Federation 2.9, like Case Graph)."""
    return strawberry.federation.Schema(query=Query, federation_version="2.9")


def main(port: int) -> None:
    """Serve the partner subgraph on 127.0.0.1:``port`` until stopped."""
    uvicorn.run(GraphQL(build_partner_schema()), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]))

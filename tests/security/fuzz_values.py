"""Argument values for the fuzzers, as GraphQL value nodes.

Case Graph types CRNs, staff, team and provider codes as ``ID``; the authorisation fuzzer
draws every ``ID`` from a mix of real keys (the partner's own cases, other providers'
cases, limited-access cases, staff on either side) and unknown or malformed ones,
including lower-case and padded spellings the API canonicalises. Federation's ``_Any``
gets entity representations built from the same keys.
"""

from __future__ import annotations

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from tests.security.fuzz_oracle import Scope

MALFORMED = ("", " ", "X", "X12345", "X1234567", "12345678", "XX12345", "X12 345", "*", "%", "'")
UNKNOWN = ("Z999999", "A000000", "Q123456")


def representation(typename: str, key: str) -> graphql.ObjectValueNode:
    """A ``_Any`` value: ``{__typename: typename, crn: key}``."""
    return nodes.Object(
        [
            graphql.ObjectFieldNode(
                name=graphql.NameNode(value="__typename"), value=nodes.String(typename)
            ),
            graphql.ObjectFieldNode(name=graphql.NameNode(value="crn"), value=nodes.String(key)),
        ]
    )


def representations(keys: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    """Mostly Case representations, some of types the subgraph does not resolve."""
    typenames = st.sampled_from(["Case", "Case", "Case", "Staff", "Nope"])
    return st.builds(representation, typenames, keys)


def respelt(crns: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Real CRNs, as given or in spellings the API accepts as the same CRN."""
    if not crns:
        return st.nothing()
    spelling = st.sampled_from([str, str.lower, lambda c: f" {c} ", lambda c: c[0].lower() + c[1:]])
    return st.builds(lambda crn, spell: spell(crn), st.sampled_from(crns), spelling)


def keys_for(scope: Scope) -> st.SearchStrategy[str]:
    """The ID mix: mostly real CRNs (a third from outside the partner's scope, where a leak
    would show), then staff and unit codes, unknown, malformed and arbitrary keys."""
    outside = tuple(sorted(scope.outside))
    assert outside, "a CRN mix without foreign cases would never catch a leak"
    foreign = respelt((*outside[:: max(1, len(outside) // 60)], *scope.theirs_limited[:20]))
    own = respelt(scope.ours[:30])
    return st.one_of(
        foreign,
        own,
        foreign,
        own,
        respelt(scope.ours_limited[:10]),
        foreign,
        own,
        st.sampled_from((*scope.staff_ours, *scope.staff_theirs, *scope.codes) or UNKNOWN),
        st.sampled_from(UNKNOWN + MALFORMED),
        st.text(max_size=10),
    )


def id_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    """``ID`` literals: strings mostly, integers (which ``ID`` also accepts) sometimes."""
    return st.one_of(keys.map(nodes.String), keys.map(nodes.String), st.integers().map(nodes.Int))


def names_for(scope: Scope) -> st.SearchStrategy[graphql.ValueNode]:
    """``String`` literals: other providers' surnames, PNC and NOMS numbers (for the
    search), or any text."""
    words = st.sampled_from(scope.words_theirs) if scope.words_theirs else st.nothing()
    return st.one_of(words, st.text(max_size=20)).map(nodes.String)


def dates(known: tuple[str, ...] = ()) -> st.SearchStrategy[graphql.ValueNode]:
    """``Date`` literals: known dates (other providers' dates of birth), any valid ISO date,
    and some invalid ones."""
    return st.one_of(
        st.sampled_from(known).map(nodes.String) if known else st.nothing(),
        st.dates().map(lambda d: nodes.String(d.isoformat())),
        st.sampled_from(["2024-02-30", "1970-01-01", "yesterday", ""]).map(nodes.String),
    )


def date_times() -> st.SearchStrategy[graphql.ValueNode]:
    """``DateTime`` literals: mostly valid ISO date-times, some not."""
    return st.one_of(
        st.datetimes().map(lambda d: nodes.String(d.isoformat())),
        st.sampled_from(["2024-01-01T25:00:00", "now", ""]).map(nodes.String),
    )


def small_ints() -> st.SearchStrategy[graphql.ValueNode]:
    """``Int`` literals: mostly page sizes and event numbers near the limits, any 32-bit
    value sometimes."""
    return st.one_of(
        st.integers(0, 5),
        st.integers(-1, 101),
        st.integers(-(2**31), 2**31 - 1),
    ).map(nodes.Int)

"""Hypothesis examples drawn up front, with a fixed seed, to be sent in order afterwards.

Tests that drive a live server (and change or observe it) cannot replay one failing
example alike, so they draw all their inputs first and name the one that broke.
"""

from __future__ import annotations

from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

T = TypeVar("T")


def draw_up_front(strategy: st.SearchStrategy[T], *, fixed_seed: int, examples: int) -> list[T]:
    """``examples`` values of ``strategy`` (hypothesis may give a few fewer), in order."""
    drawn: list[T] = []

    @seed(fixed_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(value=strategy)
    def draw(value: T) -> None:
        drawn.append(value)

    draw()
    assert drawn, "hypothesis drew no example: the strategy rejects everything"
    return drawn

"""Which object type the value of a union or interface field is, as strawberry decides it.

strawberry resolves an abstract type by the value's class: the possible type whose
strawberry class the value is an instance of. The plan's values are not strawberry
objects but the sources ``graph.py`` gives each type (a Case is a ``CaseView``, a Staff a
``StaffRecord``, ...), each standing for the one strawberry class built from it; the same
decision is made through that class, and the name comes from its own definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from adapters.records import ProviderRecord, StaffRecord, TeamRecord
from resolvers.policy import CaseView
from schema.case import Case
from schema.organisation import Provider, Staff, Team

STRAWBERRY_CLASS_OF_SOURCE: Final[Mapping[type, type]] = {
    CaseView: Case,
    StaffRecord: Staff,
    TeamRecord: Team,
    ProviderRecord: Provider,
}
"""The strawberry class each source of an abstract field's value stands for."""


def concrete_type(value: Any) -> str:
    """The name of the object type a value is; TypeError when it stands for none."""
    for cls in type(value).__mro__:
        strawberry_class = STRAWBERRY_CLASS_OF_SOURCE.get(cls)
        if strawberry_class is not None:
            name: str = strawberry_class.__strawberry_definition__.name  # type: ignore[attr-defined]
            return name
    raise TypeError(f"a {type(value).__name__} is not a value of any object type")

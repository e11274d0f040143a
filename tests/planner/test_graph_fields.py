"""The planner reads plain fields from strawberry's own definitions (``attributes_of``): each
must be an attribute of the record the planner resolves the type from, by the same name."""

from __future__ import annotations

import dataclasses

import pytest
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from adapters import records
from executor.graph import FIELDS
from schema.common import CodedValue
from schema.contacts import Contact
from schema.events import Custody, Event, KeyDate, Offence, Requirement, Sentence
from schema.manager import OffenderManager
from schema.organisation import Provider, Staff, Team
from schema.person import Address, Identifiers, PersonName
from schema.registrations import Registration

RECORD_OF_TYPE: dict[type, type] = {
    PersonName: records.CaseRecord,
    Identifiers: records.CaseRecord,
    CodedValue: records.CodedValue,
    OffenderManager: records.ManagerRecord,
    Staff: records.StaffRecord,
    Team: records.TeamRecord,
    Provider: records.ProviderRecord,
    Event: records.EventRecord,
    Offence: records.OffenceRecord,
    Sentence: records.SentenceRecord,
    Requirement: records.RequirementRecord,
    Custody: records.CustodyRecord,
    KeyDate: records.KeyDateRecord,
    Registration: records.RegistrationRecord,
    Address: records.AddressRecord,
    Contact: records.ContactRecord,
}


@pytest.mark.parametrize("strawberry_type", list(RECORD_OF_TYPE), ids=lambda t: t.__name__)
def test_every_plain_field_is_an_attribute_of_the_record(strawberry_type: type) -> None:
    record_names = {f.name for f in dataclasses.fields(RECORD_OF_TYPE[strawberry_type])}
    definition = strawberry_type.__strawberry_definition__  # type: ignore[attr-defined]
    plain = [f for f in definition.fields if f.base_resolver is None and not is_private(f.type)]
    assert plain
    for field in plain:
        assert field.python_name in record_names, (strawberry_type.__name__, field.python_name)
    public = [f for f in definition.fields if not is_private(f.type)]
    planned = FIELDS[strawberry_type.__name__]
    assert {f.graphql_name or to_camel_case(f.python_name) for f in public} == set(planned)

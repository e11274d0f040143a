"""``build_datasets`` is pure and agrees with nDelius: unit tests of the stand-in's data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from sandbox.crc import AppointmentFacts, build_datasets
from sandbox.crc.dataset import LONDON
from tests.crc.data import PROVIDERS, make_facts


def test_same_facts_and_seed_give_the_same_data() -> None:
    assert build_datasets(make_facts(), seed=3) == build_datasets(make_facts(), seed=3)
    assert build_datasets(make_facts(), seed=3) != build_datasets(make_facts(), seed=4)


def test_one_dataset_per_provider_holding_only_its_cases() -> None:
    datasets = build_datasets(make_facts(), seed=1)
    assert sorted(datasets) == list(PROVIDERS)
    for code, dataset in datasets.items():
        assert dataset.provider_code == code
        assert all(case["providerCode"] == code for case in dataset.cases.values())
        assert set(dataset.appointments) == set(dataset.cases) == set(dataset.unpaid_work)


def test_every_delius_appointment_appears_with_its_reference_and_contact_id() -> None:
    facts = make_facts()
    datasets = build_datasets(facts, seed=1)
    for case in facts:
        held = {
            a.body["externalReference"]: a.body
            for a in datasets[case.provider_code].appointments[case.crn]
        }
        for contact in case.appointments:
            body = held[contact.external_reference]
            assert body["deliusContactId"] == contact.contact_id
            assert body["type"]["code"] == contact.type_code
            start = datetime.fromisoformat(body["start"])
            assert start.astimezone(LONDON).date() == contact.contact_date
        unsynchronised = [b for b in held.values() if b["deliusContactId"] is None]
        assert len(held) == len(case.appointments) + len(unsynchronised)
        assert all(
            b["externalReference"].startswith(f"urn:uk:gov:crc:{case.provider_code}:")
            for b in unsynchronised
        )


def test_contacts_of_another_crc_and_london_offsets() -> None:
    case = make_facts()[0]
    summer = AppointmentFacts(
        contact_id=1,
        contact_date=date(2025, 7, 1),
        start_time=time(10, 30),
        end_time=None,
        type_code="COAP",
        type_description="Planned Office Visit (NS)",
        outcome_code=None,
        outcome_description=None,
        attended=None,
        complied=None,
        external_reference=f"urn:uk:gov:crc:{case.provider_code}:appointment:summer1",
    )
    foreign = replace(summer, contact_id=2, external_reference="urn:uk:gov:crc:C99:appointment:x")
    dataset = build_datasets([replace(case, appointments=(summer, foreign))], seed=1)
    bodies = {
        a.body["deliusContactId"]: a.body
        for a in dataset[case.provider_code].appointments[case.crn]
    }
    assert 2 not in bodies
    assert bodies[1]["start"] == "2025-07-01T09:30:00+00:00"  # sent in UTC, as partners may
    assert bodies[1]["end"] is None
    assert bodies[1]["outcome"] is None


def test_unpaid_work_never_exceeds_the_hours_ordered() -> None:
    datasets = build_datasets(make_facts(), seed=5)
    for case in make_facts():
        work = datasets[case.provider_code].unpaid_work[case.crn]
        ordered = sum(r.hours_ordered for r in case.unpaid_work)
        assert work["hoursOrdered"] == ordered
        assert 0 <= work["hoursCompleted"] <= ordered
        if not case.unpaid_work:
            assert work["lastSession"] is None
            assert work["requirements"] == []
        else:
            assert len(work["requirements"]) == len(case.unpaid_work)

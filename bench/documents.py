"""The GraphQL documents the benchmark sends: Case Graph's, and PostGraphile's equivalents.

The PostGraphile documents ask its generated schema for the same rows as Case Graph's
DB-only fields: live rows only (``softDeleted: 0`` on every table), active events and
requirements, registrations not deregistered, the current manager. Where its generated
schema cannot say exactly the same thing, bench/README.md lists the difference.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"

OVERVIEW = """
query Overview($crn: ID!) {
  case(crn: $crn) {
    crn
    name { forename middleNames surname }
    dateOfBirth
    tier { code }
    manager { allocatedOn staff { code unallocated } team { code provider { code } }
              provider { code isPrivate } }
    events { number active sentence { type { code } date
             requirements { category { code } length startDate active } } }
    registrations { type { code } active reviewOverdue }
    nextAppointment { id date start type { code } }
    contacts(first: 10) { totalCount pageInfo { hasNextPage }
                          edges { node { id date type { code } outcome { code } } } }
  }
}
"""

CASES = """
query Cases($crns: [ID!]!) {
  cases(crns: $crns) {
    crn
    manager { staff { code forename } team { code provider { code } } provider { code } }
    events { number sentence { type { code } requirements { category { code } length } } }
    registrations { type { code } level { code } }
  }
}
"""

SEARCH = """
query Search($name: String!) {
  searchCases(query: {name: $name}, first: 20) {
    totalCount
    edges { node { crn name { forename surname } dateOfBirth } }
  }
}
"""

CONTACTS_PAGE = """
query Contacts($crn: ID!, $after: String) {
  case(crn: $crn) {
    contacts(first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id date start type { code } outcome { code } staff { code } } }
    }
  }
}
"""

ENTITIES = "query($r:[_Any!]!){_entities(representations:$r){... on Case{crn name{surname}}}}"

POSTGRAPHILE_OVERVIEW = """
query Overview($crn: String!, $today: Date!) {
  allOffenders(condition: {crn: $crn, softDeleted: 0}, first: 1) {
    nodes {
      crn firstName secondName thirdName surname dateOfBirthDate
      currentExclusion currentRestriction
      rStandardReferenceListByCurrentTier { codeValue }
      offenderManagersByOffenderId(condition: {activeFlag: 1, softDeleted: 0}, first: 1,
                                   orderBy: [ALLOCATION_DATE_DESC, OFFENDER_MANAGER_ID_DESC]) {
        nodes { allocationDate
          staffByAllocationStaffId { officerCode }
          teamByTeamId { code probationAreaByProbationAreaId { code } }
          probationAreaByProbationAreaId { code private } } }
      eventsByOffenderId(condition: {activeFlag: 1, softDeleted: 0},
                         orderBy: [REFERRAL_DATE_DESC, EVENT_ID_ASC]) {
        nodes { eventNumber activeFlag
          disposalsByEventId(condition: {softDeleted: 0}, first: 1,
                             orderBy: [ACTIVE_FLAG_DESC, DISPOSAL_DATE_DESC, DISPOSAL_ID_DESC]) {
            nodes { disposalDate rDisposalTypeByDisposalTypeId { disposalTypeCode }
              rqmntsByDisposalId(condition: {softDeleted: 0, activeFlag: 1},
                                 orderBy: [START_DATE_ASC, RQMNT_ID_ASC]) {
                nodes { length startDate activeFlag
                        rRqmntTypeMainCategoryByRqmntTypeMainCategoryId { code } } } } } } }
      registrationsByOffenderId(condition: {softDeleted: 0, deregistered: 0},
                                orderBy: [REGISTRATION_DATE_DESC, REGISTRATION_ID_ASC]) {
        nodes { nextReviewDate rRegisterTypeByRegisterTypeId { code } } }
      next: contactsByOffenderId(first: 1,
          orderBy: [CONTACT_DATE_ASC, CONTACT_START_TIME_ASC, CONTACT_ID_ASC],
          filter: {softDeleted: {equalTo: 0}, contactOutcomeTypeId: {isNull: true},
                   contactDate: {greaterThanOrEqualTo: $today},
                   rContactTypeByContactTypeId: {attendanceContact: {equalTo: "Y"}}}) {
        nodes { contactId contactDate contactStartTime rContactTypeByContactTypeId { code } } }
      contacts: contactsByOffenderId(first: 10, condition: {softDeleted: 0},
          orderBy: [CONTACT_DATE_DESC, CONTACT_START_TIME_DESC, CONTACT_ID_DESC]) {
        totalCount pageInfo { hasNextPage }
        nodes { contactId contactDate rContactTypeByContactTypeId { code }
                rContactOutcomeTypeByContactOutcomeTypeId { code } } }
    }
  }
}
"""

POSTGRAPHILE_CASES = """
query Cases($crns: [String!]!) {
  offendersByCrns(crns: $crns) {
    nodes { crn currentExclusion currentRestriction
      offenderManagersByOffenderId(condition: {activeFlag: 1, softDeleted: 0}, first: 1,
                                   orderBy: [ALLOCATION_DATE_DESC, OFFENDER_MANAGER_ID_DESC]) {
        nodes { staffByAllocationStaffId { officerCode forename }
                teamByTeamId { code probationAreaByProbationAreaId { code } }
                probationAreaByProbationAreaId { code } } }
      eventsByOffenderId(condition: {activeFlag: 1, softDeleted: 0},
                         orderBy: [REFERRAL_DATE_DESC, EVENT_ID_ASC]) {
        nodes { eventNumber
          disposalsByEventId(condition: {softDeleted: 0}, first: 1,
                             orderBy: [ACTIVE_FLAG_DESC, DISPOSAL_DATE_DESC, DISPOSAL_ID_DESC]) {
            nodes { rDisposalTypeByDisposalTypeId { disposalTypeCode }
              rqmntsByDisposalId(condition: {softDeleted: 0, activeFlag: 1},
                                 orderBy: [START_DATE_ASC, RQMNT_ID_ASC]) {
                nodes { length rRqmntTypeMainCategoryByRqmntTypeMainCategoryId { code } } } } } } }
      registrationsByOffenderId(condition: {softDeleted: 0, deregistered: 0},
                                orderBy: [REGISTRATION_DATE_DESC, REGISTRATION_ID_ASC]) {
        nodes { rRegisterTypeByRegisterTypeId { code }
                rStandardReferenceListByRegisterLevelId { codeValue } } }
    }
  }
}
"""

_CASE_VIEW = """
fragment CaseView on Case {
  crn
  name { forename surname }
  dateOfBirth
  tier { code }
  manager { staff { code forename surname } team { code description }
            provider { code description } }
  events {
    number
    mainOffence { code description }
    sentence { date length type { code description }
               requirements { length category { code description } } }
  }
  registrations { type { code description } level { code } nextReviewOn }
  contacts(first: 20) {
    edges { node { id date start type { code description } outcome { code } } }
  }
}
"""

CASE_VIEW = "query CaseView($crn: ID!) { case(crn: $crn) { ...CaseView } }" + _CASE_VIEW
"""What a case view shows first: person, manager, events with main offence, sentence and
requirements, registrations and the latest 20 contacts."""

CASE_VIEW_LIST = (
    "query CaseViews($crns: [ID!]!) { cases(crns: $crns) { ...CaseView } }" + _CASE_VIEW
)

_POSTGRAPHILE_CASE_VIEW = """
fragment CaseView on Offender {
  crn firstName surname dateOfBirthDate currentExclusion currentRestriction
  rStandardReferenceListByCurrentTier { codeValue }
  offenderManagersByOffenderId(condition: {activeFlag: 1, softDeleted: 0}, first: 1,
                               orderBy: [ALLOCATION_DATE_DESC, OFFENDER_MANAGER_ID_DESC]) {
    nodes { staffByAllocationStaffId { officerCode forename surname }
            teamByTeamId { code description }
            probationAreaByProbationAreaId { code description } } }
  eventsByOffenderId(condition: {activeFlag: 1, softDeleted: 0},
                     orderBy: [REFERRAL_DATE_DESC, EVENT_ID_ASC]) {
    nodes { eventNumber
      mainOffencesByEventId(condition: {softDeleted: 0}, first: 1) {
        nodes { rOffenceByOffenceId { code description } } }
      disposalsByEventId(condition: {softDeleted: 0}, first: 1,
                         orderBy: [ACTIVE_FLAG_DESC, DISPOSAL_DATE_DESC, DISPOSAL_ID_DESC]) {
        nodes { disposalDate length rDisposalTypeByDisposalTypeId { disposalTypeCode description }
          rqmntsByDisposalId(condition: {softDeleted: 0, activeFlag: 1},
                             orderBy: [START_DATE_ASC, RQMNT_ID_ASC]) {
            nodes { length
                    rRqmntTypeMainCategoryByRqmntTypeMainCategoryId { code description } } } } } } }
  registrationsByOffenderId(condition: {softDeleted: 0, deregistered: 0},
                            orderBy: [REGISTRATION_DATE_DESC, REGISTRATION_ID_ASC]) {
    nodes { nextReviewDate rRegisterTypeByRegisterTypeId { code description }
            rStandardReferenceListByRegisterLevelId { codeValue } } }
  contacts: contactsByOffenderId(first: 20, condition: {softDeleted: 0},
      orderBy: [CONTACT_DATE_DESC, CONTACT_START_TIME_DESC, CONTACT_ID_DESC]) {
    nodes { contactId contactDate contactStartTime rContactTypeByContactTypeId { code description }
            rContactOutcomeTypeByContactOutcomeTypeId { code } } }
}
"""

POSTGRAPHILE_CASE_VIEW = (
    "query CaseView($crn: String!) { allOffenders(condition: {crn: $crn, softDeleted: 0}, "
    "first: 1) { nodes { ...CaseView } } }" + _POSTGRAPHILE_CASE_VIEW
)

POSTGRAPHILE_CASE_VIEW_LIST = (
    "query CaseViews($crns: [String!]!) { offendersByCrns(crns: $crns) { nodes { ...CaseView } } }"
    + _POSTGRAPHILE_CASE_VIEW
)
"""A batch of cases the way PostGraphile's users look one up: an indexed SQL function
(``bench/postgraphile/batch.sql``), exposed by PostGraphile as a root field."""


def readme_overview() -> str:
    """The case overview exactly as the README shows it (the query GraphiQL opens with)."""
    found = re.search(r"```graphql\n(query CaseOverview.*?)```", README.read_text(), re.DOTALL)
    if found is None:
        raise LookupError("README.md has no CaseOverview query")
    return found.group(1)

"""Documents the differential tests send to both paths.

Taken from tests/schema, tests/security and bench/documents.py, plus documents that
reach every covered field, every way of selecting it, and every error the policy and the
argument rules give. Each is ``(name, document)``; variables are filled in by the tests.
"""

from __future__ import annotations

from graphql import parse

from bench import documents

CASE_FIELDS = """
fragment Coded on CodedValue { code description }
fragment Org on Staff { code forename surname grade { ...Coded } unallocated
  teams { code description telephone provider { code description isPrivate } } }
fragment Whole on Case {
  __typename crn
  name { forename middleNames surname preferredName __typename }
  dateOfBirth gender { ...Coded } identifiers { pncNumber nomsNumber croNumber }
  tier { ...Coded } access { userExcluded userRestricted message }
  manager { allocatedOn endedOn staff { ...Org } team { code provider { code } }
            provider { code description isPrivate } }
  managerHistory { allocatedOn endedOn staff { code } team { description } }
  events(activeOnly: false) {
    number active referralDate convictionDate inBreach
    mainOffence { code description category date count }
    additionalOffences { code count }
    sentence { type { ...Coded } date length lengthUnits expectedEndDate terminationDate
      requirements(activeOnly: false) { category { ...Coded } subCategory { code }
        length lengthUnits startDate terminationDate active }
      custody { status { ...Coded } institution keyDates { type { code } date } } }
  }
  current: events { number }
  registrations(activeOnly: false) { type { ...Coded } colour level { code } category { code }
    registeredOn nextReviewOn reviewOverdue active }
  mainAddress { buildingName addressNumber streetName district town county postcode
    noFixedAbode status { code } startDate endDate }
  addresses(currentOnly: false) { postcode status { description } }
  nextAppointment { id type { code } isAppointment date start end outcome { code }
    attended complied sensitive eventNumber version notes
    staff { code } team { code } provider { code } }
}
"""

EVERYTHING = (
    CASE_FIELDS
    + """
query Everything($crn: ID!) { case(crn: $crn) { ...Whole
  contacts(first: 5) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id date start end notes sensitive type { code }
      staff { code surname } team { code provider { code } } provider { code } } } } } }
"""
)

EVERYTHING_LIST = (
    CASE_FIELDS
    + """
query EverythingList($crns: [ID!]!) { cases(crns: $crns) { ...Whole } }
"""
)

SHAPES = """
query Shapes($crn: ID!, $withName: Boolean!, $skipEvents: Boolean = false, $first: Int) {
  __typename
  one: case(crn: $crn) {
    crn
    ... on Case { name @include(if: $withName) { surname } }
    ... { tier { code } }
    name { forename }
    events @skip(if: $skipEvents) { number }
    again: events(activeOnly: true) { sentence { date } }
    contacts(first: $first) { totalCount edges { node { id } } }
    contacts(first: $first) { pageInfo { endCursor } }
  }
  two: case(crn: $crn) @include(if: $withName) { crn __typename }
}
"""

PROJECTABLE = """
fragment Coded on CodedValue { code description }
fragment Node on Contact { id type { ...Coded } isAppointment date start end
  outcome { ...Coded } attended complied sensitive eventNumber version }
fragment Projectable on Case {
  crn
  manager { allocatedOn endedOn
    staff { code forename surname grade { ...Coded } unallocated }
    team { code description telephone provider { code description isPrivate } }
    provider { code description isPrivate } }
  managerHistory { allocatedOn endedOn staff { code unallocated } team { code provider { code } }
                   provider { isPrivate } }
  events(activeOnly: false) { number active referralDate convictionDate inBreach
    mainOffence { code description category date count }
    additionalOffences { code description category date count }
    sentence { type { ...Coded } date length lengthUnits expectedEndDate terminationDate
      requirements(activeOnly: false) { category { ...Coded } subCategory { ...Coded } length
        lengthUnits startDate terminationDate active }
      active: requirements { length } } }
  current: events { number sentence { date } }
  registrations(activeOnly: false) { type { ...Coded } colour level { ...Coded }
    category { ...Coded } registeredOn nextReviewOn reviewOverdue active }
  live: registrations { type { code } }
  nextAppointment { ...Node }
  contacts(first: 7) { totalCount pageInfo { hasNextPage } edges { node { ...Node } } }
  few: contacts(first: 1) { pageInfo { hasNextPage } edges { node { id } again: node { date } } }
}
"""
"""Every name of the projection vocabulary, under aliases, fragments and both filters."""

PROJECTED = PROJECTABLE + "query Projected($crn: ID!) { case(crn: $crn) { ...Projectable } }"
PROJECTED_LIST = (
    PROJECTABLE + "query ProjectedList($crns: [ID!]!) { cases(crns: $crns) { ...Projectable } }"
)

CASELOAD = (
    PROJECTABLE
    + """
query Caseload($staff: ID!, $first: Int!, $after: String) {
  caseload(staffCode: $staff, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { ...Projectable name { surname } access { message } } }
  }
}
"""
)

SEARCH_PAGES = """
query Search($query: CaseSearch!, $first: Int!, $after: String) {
  searchCases(query: $query, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { crn name { forename surname } dateOfBirth tier { code }
                          manager { staff { code } provider { code } } } }
  }
}
"""

FILTERED = """
query Filtered($crn: ID!, $filter: ContactFilter, $after: String, $first: Int!) {
  case(crn: $crn) {
    contacts(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id date type { code } eventNumber } }
    }
  }
}
"""

LIMITED = "query($crn: ID!) { case(crn: $crn) { crn name { surname } access { message } } }"
REDACTED = (
    "query($crns: [ID!]!) { cases(crns: $crns) { crn access { userRestricted } name { surname } } }"
)
ONLY_CRNS = "query($crns: [ID!]!) { cases(crns: $crns) { crn } }"
CONTACT_PAGES = """query($crn: ID!, $after: String) { case(crn: $crn) { contacts(first: 50,
  after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""

RISK_AND_PARTNER = """
fragment Score on ScoreBand { oneYear twoYears band __typename }
fragment Partner on PartnerCase {
  status lastUpdated spgVersion practitioner { code name email } team { code description }
  provider { code description isPrivate }
  appointments { id type typeCode start end location locationCode outcome outcomeCode attended
    complied eventNumber deliusContactId externalReference }
  few: appointments(first: 2) { id start }
  window: appointments(from: "2024-01-01", to: "2030-12-31", first: 100) { start outcomeCode }
  interventions { id name category status referralDate startDate endDate sessionsAttended
    sessionsPlanned eventNumber deliusNsiId }
  unpaidWork { hoursOrdered hoursCompleted lastSession }
}
fragment Risk on Case {
  riskOfSeriousHarm { assessmentId assessedOn overallRiskLevel riskFlags
    riskInCommunity { group level } riskInCustody { group level __typename } }
  predictorScores { completedDate ogrs { ...Score } ogp { ...Score } ovp { ...Score }
    rsr { ...Score } }
  assessments { id type status eventNumber createdDate completedDate assessedBy totalScore }
}
query RiskAndPartner($crn: ID!) {
  case(crn: $crn) { crn ...Risk partner { ...Partner } again: partner { status } }
}
"""
"""Every OASys and partner field, under aliases and fragments."""

RISK_AND_PARTNER_LIST = """
query RiskAndPartnerList($crns: [ID!]!) {
  cases(crns: $crns) { crn riskOfSeriousHarm { overallRiskLevel } predictorScores { ogrs { band } }
    assessments { id } partner { status provider { code } appointments(first: 3) { start }
      interventions { name } unpaidWork { hoursOrdered } } }
}
"""

APPOINTMENT_WINDOWS = """
query Windows($crn: ID!, $first: Int, $from: Date, $to: Date) {
  case(crn: $crn) { partner { status appointments(first: $first, from: $from, to: $to) { start }
    none: appointments(first: 0) { start } } }
}
"""

BY_CRN = [
    ("overview", documents.OVERVIEW),
    ("contacts-page", documents.CONTACTS_PAGE),
    ("everything", EVERYTHING),
    ("limited", LIMITED),
    ("contact-pages", CONTACT_PAGES),
    ("projected", PROJECTED),
    ("risk-and-partner", RISK_AND_PARTNER),
    ("readme-overview", documents.readme_overview()),
]
BY_CRNS = [
    ("cases", documents.CASES),
    ("everything-list", EVERYTHING_LIST),
    ("redacted", REDACTED),
    ("only-crns", ONLY_CRNS),
    ("projected-list", PROJECTED_LIST),
    ("risk-and-partner-list", RISK_AND_PARTNER_LIST),
]

CASE_VIEW = """__typename crn
  name { forename surname } access { message } tier { code }
  manager { staff { code forename surname } team { description } provider { description } }
  events { number mainOffence { description }
    sentence { type { description } date requirements { category { description } length } } }
  registrations { type { description } colour reviewOverdue }
  nextAppointment { start type { description } }
  contacts(first: 10) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { date type { code } outcome { code } } } }"""

GATEWAY_ENTITIES = (
    "query($r: [_Any!]!) { _entities(representations: $r) { ... on Case { " + CASE_VIEW + " } } }"
)
"""A gateway's join into this subgraph for a case view: an inline fragment on the entity."""

CASES_VIEW = "query($crns: [ID!]!) { cases(crns: $crns) { " + CASE_VIEW + " } }"
"""The same case view asked directly, by CRN."""

ENTITIES_ALL_TYPES = """
query Entities($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on Case { crn name { surname } }
    ... on Staff { code surname teams { code provider { code } } }
    ... on Team { code description provider { code isPrivate } }
    ... on Provider { code isPrivate }
  }
}
"""

ENTITIES_SHAPES = """
fragment Named on Case { name { surname } }
fragment Org on Staff { code __typename }
query($r: [_Any!]!, $crn: ID!) {
  me { username }
  one: _entities(representations: $r) { __typename ...Named ... on Case { crn ...Named }
    ...Org ... on Team { __typename code } }
  two: _entities(representations: $r) { ... on Provider { description } }
  case(crn: $crn) { crn }
}
"""
"""Entities beside other root fields, through named fragments, merged per type."""

ENTITY_DOCUMENTS = [
    ("bench", documents.ENTITIES),
    ("gateway", GATEWAY_ENTITIES),
    ("all-types", ENTITIES_ALL_TYPES),
    ("typename-only", "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"),
    ("shapes", ENTITIES_SHAPES),
]

ME = "{ me { username clientId roles provider { code description isPrivate } } }"
CALLER_DOCUMENTS = [
    ("me", ME),
    ("service", "{ _service { sdl } }"),
    ("together", "query Both { __typename _service { __typename sdl } me { __typename roles } }"),
]

FALLBACK = [
    ("introspection", "{ __schema { queryType { name } } }", {}),
]

# Every document of the corpus must at least parse: a typo here would quietly test nothing.
assert all(
    parse(document)
    for _, document, *_ in (*BY_CRN, *BY_CRNS, *FALLBACK, *ENTITY_DOCUMENTS, *CALLER_DOCUMENTS)
)
assert all(
    parse(document) for document in (CASELOAD, SEARCH_PAGES, documents.SEARCH, APPOINTMENT_WINDOWS)
)

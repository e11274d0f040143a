"""Do the three servers return the same rows? A summary of each answer, compared.

Each answer (Case Graph, PostGraphile, the floor) is reduced to what must agree: per case,
the active event numbers, how many active requirements each sentence has, the active
registration types, the contact count, the first page's contact ids and the next
appointment. Values each side formats differently (tier codes, times) are left out.
"""

from __future__ import annotations

from typing import Any

Summary = tuple[Any, ...]


def _sorted(values: list[Any]) -> tuple[Any, ...]:
    return tuple(sorted(values, key=str))


def _requirements(event: dict[str, Any]) -> int:
    return len((event.get("sentence") or {}).get("requirements") or [])


def casegraph_case(case: dict[str, Any] | None, overview: bool) -> Summary | None:
    """Summary of one Case from Case Graph."""
    if case is None:
        return None
    events = _sorted([(e["number"], _requirements(e)) for e in case["events"]])
    registrations = _sorted([r["type"]["code"] for r in case["registrations"]])
    if not overview:
        return (case["crn"], events, registrations)
    contacts = case["contacts"]
    page = tuple(int(edge["node"]["id"]) for edge in contacts["edges"])
    upcoming = case["nextAppointment"]
    return (case["crn"], events, registrations, contacts["totalCount"], page,
            int(upcoming["id"]) if upcoming else None)  # fmt: skip


def _postgraphile_parts(node: dict[str, Any], with_offence: bool) -> Summary:
    """An offender node's CRN, events (number, requirements, and the main offence's code
    when asked) and registration types."""
    events = []
    for event in node["eventsByOffenderId"]["nodes"]:
        disposals = event["disposalsByEventId"]["nodes"]
        count = len(disposals[0]["rqmntsByDisposalId"]["nodes"]) if disposals else 0
        entry: tuple[Any, ...] = (int(event["eventNumber"]), count)
        if with_offence:
            offences = event["mainOffencesByEventId"]["nodes"]
            entry += (offences[0]["rOffenceByOffenceId"]["code"].strip() if offences else None,)
        events.append(entry)
    flags = node["registrationsByOffenderId"]["nodes"]
    registrations = _sorted([r["rRegisterTypeByRegisterTypeId"]["code"] for r in flags])
    return (node["crn"].strip(), _sorted(events), registrations)


def postgraphile_case(node: dict[str, Any] | None, overview: bool) -> Summary | None:
    """Summary of one offender node from PostGraphile."""
    if node is None:
        return None
    crn, events, registrations = _postgraphile_parts(node, with_offence=False)
    if not overview:
        return (crn, events, registrations)
    contacts = node["contacts"]
    page = tuple(int(c["contactId"]) for c in contacts["nodes"])
    upcoming = node["next"]["nodes"]
    return (crn, events, registrations, contacts["totalCount"], page,
            int(upcoming[0]["contactId"]) if upcoming else None)  # fmt: skip


def floor_case(case: dict[str, Any] | None, overview: bool) -> Summary | None:
    """Summary of one case from the floor."""
    if case is None:
        return None
    events = _sorted([(e["number"], _requirements(e)) for e in case["events"]])
    registrations = _sorted([r["type"] for r in case["registrations"]])
    if not overview:
        return (case["crn"], events, registrations)
    contacts = case["contacts"]
    page = tuple(int(edge["id"]) for edge in contacts["edges"])
    upcoming = case["nextAppointment"]
    return (case["crn"], events, registrations, contacts["totalCount"], page,
            int(upcoming["id"]) if upcoming else None)  # fmt: skip


def casegraph_view(case: dict[str, Any] | None) -> Summary | None:
    """Summary of one case view from Case Graph: events with their main offence, and the
    latest contacts' ids in order."""
    if case is None:
        return None
    events = _sorted([(e["number"], _requirements(e), (e["mainOffence"] or {}).get("code"))
                      for e in case["events"]])  # fmt: skip
    registrations = _sorted([r["type"]["code"] for r in case["registrations"]])
    page = tuple(int(edge["node"]["id"]) for edge in case["contacts"]["edges"])
    return (case["crn"], events, registrations, page)


def postgraphile_view(node: dict[str, Any] | None) -> Summary | None:
    """Summary of one case view from PostGraphile."""
    if node is None:
        return None
    page = tuple(int(c["contactId"]) for c in node["contacts"]["nodes"])
    return (*_postgraphile_parts(node, with_offence=True), page)


VIEWS = ("caseview", "caseview50")


def summarise(target: str, query: str, body: Any) -> list[Summary | None]:
    """Summaries of the cases in one answer, in CRN order."""
    if query in VIEWS:
        return _views(target, body)
    overview = query == "overview"
    if target == "postgraphile":
        (root,) = body["data"].values()  # allOffenders, or the batch lookup offendersByCrns
        nodes = root["nodes"]
        found = [postgraphile_case(n, overview) for n in nodes]
    elif target == "floor":
        cases = [body] if overview else body
        found = [floor_case(c, overview) for c in cases]
    else:
        data = body["data"]
        cases = [data["case"]] if overview else data["cases"]
        found = [casegraph_case(c, overview) for c in cases]
    return sorted(found, key=lambda s: "" if s is None else str(s[0]))


def _views(target: str, body: Any) -> list[Summary | None]:
    data = body["data"]
    if target == "postgraphile":
        (root,) = data.values()
        found = [postgraphile_view(n) for n in root["nodes"]]
    else:
        found = [casegraph_view(c) for c in ([data["case"]] if "case" in data else data["cases"])]
    return sorted(found, key=lambda s: "" if s is None else str(s[0]))


FIELDS = ("crn", "events", "registrations", "contact count", "first contacts page",
          "next appointment")  # fmt: skip
VIEW_FIELDS = ("crn", "events and main offences", "registrations", "latest contacts")


def fields_of(query: str) -> tuple[str, ...]:
    """The names of the parts of a summary of ``query``'s answers."""
    return VIEW_FIELDS if query in VIEWS else FIELDS


def differences(
    summaries: dict[str, list[Summary | None]], fields: tuple[str, ...] = FIELDS
) -> list[str]:
    """Which targets disagree with Case Graph: on how many cases, and in which parts."""
    reference = summaries.get("casegraph-1w")
    if reference is None:
        return []
    notes = []
    for target, found in summaries.items():
        if target == "casegraph-1w":
            continue
        differing = 0
        parts: set[str] = set()
        for mine, theirs in zip(reference, found, strict=False):
            if mine == theirs:
                continue
            differing += 1
            if mine is None or theirs is None:
                parts.add("presence")
                continue
            pairs = enumerate(zip(mine, theirs, strict=False))
            parts.update(fields[i] for i, (a, b) in pairs if a != b)
        differing += abs(len(reference) - len(found))
        if differing:
            notes.append(
                f"{target}: {differing} of {len(reference)} cases differ "
                f"({', '.join(sorted(parts)) or 'count'})"
            )
    return notes

"""The raw-SQL floor's statements: one round trip per request, the JSON built by PostgreSQL.

Each statement returns the same rows as Case Graph's overview and 50-case list (live rows
only, active events and requirements, registrations not deregistered, the current
manager, the next appointment and the first page of contacts), shaped as one JSON text.
Limited-access cases answer null, as they do for Case Graph's local operator.
"""

from __future__ import annotations

_TIME_OF_DAY = "COALESCE(c.contact_start_time::time, TIME '00:00')"


def _manager(staff_fields: str) -> str:
    return f"""(SELECT json_build_object(
        'allocatedOn', om.allocation_date,
        'staff', json_build_object({staff_fields}),
        'team', json_build_object('code', rtrim(tm.code), 'provider', rtrim(tp.code)),
        'provider', json_build_object('code', rtrim(pa.code), 'isPrivate', pa.private = 1))
      FROM offender_manager om
      JOIN staff s ON s.staff_id = om.allocation_staff_id
      JOIN team tm ON tm.team_id = om.team_id
      JOIN probation_area tp ON tp.probation_area_id = tm.probation_area_id
      JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
      WHERE om.offender_id = o.offender_id AND om.soft_deleted = 0 AND om.active_flag = 1
      ORDER BY om.allocation_date DESC, om.offender_manager_id DESC LIMIT 1)"""


_EVENTS = """(SELECT COALESCE(json_agg(json_build_object(
        'number', e.event_number::int, 'active', TRUE,
        'sentence', (SELECT json_build_object(
              'type', dt.disposal_type_code, 'date', d.disposal_date,
              'requirements', (SELECT COALESCE(json_agg(json_build_object(
                    'category', mc.code, 'length', r.length, 'startDate', r.start_date,
                    'active', TRUE) ORDER BY r.start_date, r.rqmnt_id), '[]')
                  FROM rqmnt r
                  LEFT JOIN r_rqmnt_type_main_category mc
                         ON mc.rqmnt_type_main_category_id = r.rqmnt_type_main_category_id
                  WHERE r.disposal_id = d.disposal_id AND r.soft_deleted = 0
                    AND r.active_flag = 1))
            FROM disposal d JOIN r_disposal_type dt ON dt.disposal_type_id = d.disposal_type_id
            WHERE d.event_id = e.event_id AND d.soft_deleted = 0
            ORDER BY d.active_flag DESC, d.disposal_date DESC, d.disposal_id DESC LIMIT 1))
        ORDER BY e.referral_date DESC, e.event_id), '[]')
      FROM event e
      WHERE e.offender_id = o.offender_id AND e.soft_deleted = 0 AND e.active_flag = 1)"""

_REGISTRATIONS = """(SELECT COALESCE(json_agg(json_build_object(
        'type', rt.code, 'level', lv.code_value, 'active', TRUE,
        'reviewOverdue', COALESCE(g.next_review_date < CURRENT_DATE, FALSE))
        ORDER BY g.registration_date DESC, g.registration_id), '[]')
      FROM registration g
      JOIN r_register_type rt ON rt.register_type_id = g.register_type_id
      LEFT JOIN r_standard_reference_list lv ON lv.standard_reference_list_id = g.register_level_id
      WHERE g.offender_id = o.offender_id AND g.soft_deleted = 0 AND g.deregistered = 0)"""

_NEXT_APPOINTMENT = f"""(SELECT json_build_object(
        'id', c.contact_id, 'date', c.contact_date, 'start', c.contact_start_time::time,
        'type', ct.code)
      FROM contact c JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
      WHERE c.offender_id = o.offender_id AND c.soft_deleted = 0
        AND ct.attendance_contact = 'Y' AND c.contact_outcome_type_id IS NULL
        AND (c.contact_date > CURRENT_DATE
             OR (c.contact_date = CURRENT_DATE
                 AND (c.contact_start_time IS NULL OR c.contact_start_time::time >= LOCALTIME)))
      ORDER BY c.contact_date, {_TIME_OF_DAY}, c.contact_id LIMIT 1)"""

_CONTACTS = f"""(SELECT json_build_object(
        'totalCount', n.total, 'hasNextPage', n.total > 10,
        'edges', (SELECT COALESCE(json_agg(json_build_object(
              'id', p.contact_id, 'date', p.contact_date, 'type', p.type_code,
              'outcome', p.outcome_code) ORDER BY p.rank), '[]')
            FROM (SELECT c.contact_id, c.contact_date, ct.code AS type_code,
                         ot.code AS outcome_code,
                         row_number() OVER (ORDER BY c.contact_date DESC, {_TIME_OF_DAY} DESC,
                                            c.contact_id DESC) AS rank
                  FROM contact c
                  JOIN r_contact_type ct ON ct.contact_type_id = c.contact_type_id
                  LEFT JOIN r_contact_outcome_type ot
                         ON ot.contact_outcome_type_id = c.contact_outcome_type_id
                  WHERE c.offender_id = o.offender_id AND c.soft_deleted = 0
                  ORDER BY c.contact_date DESC, {_TIME_OF_DAY} DESC, c.contact_id DESC
                  LIMIT 10) p))
      FROM (SELECT count(*) AS total FROM contact c
            WHERE c.offender_id = o.offender_id AND c.soft_deleted = 0) n)"""

_VISIBLE = "o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0"
_TIER = "LEFT JOIN r_standard_reference_list t ON t.standard_reference_list_id = o.current_tier"

OVERVIEW = f"""
SELECT json_build_object(
    'crn', rtrim(o.crn),
    'name', json_build_object('forename', o.first_name,
                              'middleNames', array_remove(ARRAY[o.second_name, o.third_name], NULL),
                              'surname', o.surname),
    'dateOfBirth', o.date_of_birth_date,
    'tier', t.code_value,
    'manager', {_manager("'code', rtrim(s.officer_code), 'unallocated', s.officer_code LIKE '%U'")},
    'events', {_EVENTS},
    'registrations', {_REGISTRATIONS},
    'nextAppointment', {_NEXT_APPOINTMENT},
    'contacts', {_CONTACTS})::text
FROM offender o {_TIER}
WHERE o.crn = $1::bpchar AND {_VISIBLE}
"""

CASES = f"""
SELECT COALESCE(json_agg(x.doc ORDER BY k.ord), '[]')::text
FROM unnest($1::text[]) WITH ORDINALITY AS k(crn, ord)
LEFT JOIN LATERAL (
    SELECT json_build_object(
        'crn', rtrim(o.crn),
        'manager', {_manager("'code', rtrim(s.officer_code), 'forename', s.forename")},
        'events', {_EVENTS},
        'registrations', {_REGISTRATIONS}) AS doc
    FROM offender o
    WHERE o.crn = k.crn::bpchar AND {_VISIBLE}
) x ON TRUE
"""

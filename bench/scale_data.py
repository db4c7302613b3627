"""The data of ``bench/scale.py``: one org filled by bulk SQL (``generate_series``), any size.

Every table is filled by one ``INSERT … SELECT`` from a series, inside ``db_scope`` of the org
(the app role, row-level security on), so a million messages load in seconds. The shapes follow
the real services' rows closely enough for the pages' queries and plans: one thread, terms
version and deliverable per enrollment, a tracked link per enrollment of a launched program with
a run of daily click rollups, payouts spread over the enrollments and states.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# The full size (#18): one org made large.
FULL = {
    "creators": 50_000,
    "programs": 506,
    "enrollments": 100_000,
    "tasks": 200_000,
    "payouts": 300_000,
    "messages": 1_000_000,
    "audit": 200_000,
    "click_days": 281_000,
}


@dataclass(frozen=True)
class Sizes:
    creators: int
    programs: int
    enrollments: int
    tasks: int
    payouts: int
    messages: int
    audit: int
    click_days: int

    @classmethod
    def scaled(cls, base: dict[str, int], fraction: float) -> Sizes:
        return cls(**{f.name: max(2, round(base[f.name] * fraction)) for f in fields(cls)})

    def label(self) -> str:
        return ", ".join(f"{getattr(self, f.name):,} {f.name}" for f in fields(self))


# The portal creator's own rows: the same in both orgs (their pages must not grow with the org).
PORTAL_ENROLLMENTS = 12
PORTAL_PAYOUTS_EACH = 5

SQL = [
    # creators
    """INSERT INTO influencers_creatorprofile (organization_id, display_name, email, created_at,
        categories, click_milestone, internal_notes, languages, location, max_audience,
        milestones_reached, payout_ready, programs_completed, rate_currency)
       SELECT %(org)s, 'Creator ' || lpad(i::text, 6, '0') || ' ' ||
              (ARRAY['Ava','Ben','Cleo','Dan','Eve','Finn','Gus','Hana'])[1 + i %% 8],
              'c' || i || '@' || %(slug)s || '.test', now() - (i || ' minutes')::interval,
              '{}', 0, '', '{}', '', 0, 0, true, 0, 'EUR'
       FROM generate_series(1, %(creators)s) i""",
    # programs: most launched, the rest spread over the other states
    """INSERT INTO programs_program (organization_id, brand_id, name, state, created_at,
        audience_demographics, audience_interests, audience_locations, capacity, categories,
        currency, disclosure_rule, goals, guidelines, nda_required, platforms,
        prorate_if_missed, extension_self_service_count, extension_self_service_days,
        reminder_days_before, review_sla_days, destination_url, disclosure_advisory,
        flat_fee, launched_at, launch_on, assigned_bsm_id, assigned_ism_id,
        commission_holding_days, commission_window_days)
       SELECT %(org)s, %(brand)s, 'Program ' || lpad(i::text, 4, '0'),
              (ARRAY['launched', 'launched', 'launched', 'completed', 'recruiting',
                     'draft'])[1 + i %% 6],
              now() - (i || ' hours')::interval, '', '{}', '{}', 0, '{}', 'EUR', '', '', '',
              false, '{instagram}', false, 0, 0, '{3}', 3, 'https://example.test/', false,
              100, now() - interval '30 days', current_date - 30, %(bsm)s, %(ism)s, 30, 30
       FROM generate_series(1, %(programs)s) i""",
    # enrollments: creator i %% C, program shifted so (program, creator) is unique
    """INSERT INTO programs_enrollment (organization_id, program_id, creator_id, state,
        created_at, availability_override_reason, end_reason, exclusion_conflicts,
        exclusion_override_reason)
       SELECT %(org)s, p.ids[1 + ((i %% %(creators)s) + i / %(creators)s) %% %(programs)s],
              c.ids[1 + i %% %(creators)s],
              (ARRAY['active','active','active','completed','invited','declined'])[1 + i %% 6],
              now() - (i || ' seconds')::interval, '', '', '[]', ''
       FROM generate_series(0, %(enrollments)s - 1) i,
            (SELECT array_agg(id ORDER BY id) ids FROM programs_program
             WHERE organization_id = %(org)s) p,
            (SELECT array_agg(id ORDER BY id) ids FROM influencers_creatorprofile
             WHERE organization_id = %(org)s AND user_id IS NULL) c""",
    """INSERT INTO programs_termsversion (organization_id, enrollment_id, number, snapshot,
        reason, created_at, accepted_at)
       SELECT %(org)s, id, 1, '{"currency": "EUR"}', '', created_at, created_at
       FROM programs_enrollment WHERE organization_id = %(org)s""",
    """UPDATE programs_enrollment e SET terms_version_id = t.id FROM programs_termsversion t
       WHERE t.enrollment_id = e.id AND e.organization_id = %(org)s""",
    """INSERT INTO programs_deliverable (organization_id, enrollment_id, program_id, number,
        kind, platform, due_on, original_due_on, state, live_url, published_caption,
        published_disclosure_matches, created_at)
       SELECT %(org)s, id, program_id, 1, 'post', 'instagram',
              current_date + (id %% 60)::int - 20, current_date + (id %% 60)::int - 20,
              (ARRAY['pending','submitted','approved','published'])[1 + id %% 4], '', '', '{}',
              created_at
       FROM programs_enrollment WHERE organization_id = %(org)s""",
    # one thread per enrollment, last message spread over a year
    """INSERT INTO messaging_thread (organization_id, kind, enrollment_id, program_id, title,
        replies_allowed, created_at, last_message_at)
       SELECT %(org)s, 'enrollment', id, program_id, 'Thread ' || id, true, created_at,
              now() - ((id * 7919) %% 525600 || ' minutes')::interval
       FROM programs_enrollment WHERE organization_id = %(org)s""",
    """INSERT INTO messaging_message (organization_id, thread_id, author_id, from_creator, text,
        created_at)
       SELECT %(org)s, t.ids[1 + i %% array_length(t.ids, 1)],
              CASE WHEN i %% 3 = 0 THEN %(ism)s ELSE %(bsm)s END, false, 'Message ' || i,
              now() - ((i::bigint * 7919) %% 525600 || ' minutes')::interval
       FROM generate_series(0, %(messages)s - 1) i,
            (SELECT array_agg(id ORDER BY id) ids FROM messaging_thread
             WHERE organization_id = %(org)s) t""",
    # the admin has read a third of the threads
    """INSERT INTO messaging_threadread (organization_id, thread_id, user_id, last_read_at)
       SELECT %(org)s, id, %(admin)s, now() - interval '90 days'
       FROM messaging_thread WHERE organization_id = %(org)s AND id %% 3 = 0""",
    """INSERT INTO messaging_task (organization_id, kind, title, owner_role, state, source_event,
        dedupe_key, due_at, resolution, created_at, updated_at, program_id, enrollment_id,
        creator_id, assignee_id)
       SELECT %(org)s, 'content_review', 'Review ' || i, 'bsm',
              (ARRAY['done','done','done','open','in_progress'])[1 + i %% 5], '',
              'bench-' || i, now() + ((i %% 200) - 100 || ' hours')::interval, '',
              now() - (i || ' seconds')::interval, now(),
              e.programs[1 + i %% array_length(e.ids, 1)],
              e.ids[1 + i %% array_length(e.ids, 1)], e.creators[1 + i %% array_length(e.ids, 1)],
              CASE WHEN i %% 2 = 0 THEN %(bsm)s END
       FROM generate_series(0, %(tasks)s - 1) i,
            (SELECT array_agg(id ORDER BY id) ids, array_agg(program_id ORDER BY id) programs,
                    array_agg(creator_id ORDER BY id) creators
             FROM programs_enrollment WHERE organization_id = %(org)s) e""",
    """INSERT INTO payments_payout (organization_id, enrollment_id, creator_id,
        terms_version_id, amount, currency, reason, explanation, state, earn_key, earned_at,
        attempts, failure_count, failure_reason, hold_reason, provider_reference, updated_at)
       SELECT %(org)s, e.ids[1 + i %% array_length(e.ids, 1)],
              e.creators[1 + i %% array_length(e.ids, 1)],
              e.terms[1 + i %% array_length(e.ids, 1)], 10 + i %% 90, 'EUR', 'flat_fee', '',
              (ARRAY['paid','paid','paid','earned','scheduled','on_hold'])[1 + i %% 6],
              'bench-' || i, now() - ((i * 31) %% 525600 || ' minutes')::interval,
              0, 0, '', '', '', now()
       FROM generate_series(0, %(payouts)s - 1) i,
            (SELECT array_agg(id ORDER BY id) ids, array_agg(creator_id ORDER BY id) creators,
                    array_agg(terms_version_id ORDER BY id) terms
             FROM programs_enrollment WHERE organization_id = %(org)s
               AND creator_id <> %(portal_creator)s) e""",
    """INSERT INTO influencer_ops_auditevent (organization_id, actor_id, actor_label, verb,
        target_type, target_id, target_label, at)
       SELECT %(org)s, %(admin)s, 'Admin', 'payout.paid', 'payout', i::text, 'Payout ' || i,
              now() - (i || ' seconds')::interval
       FROM generate_series(1, %(audit)s) i""",
    # a tracked link per enrollment of a launched program, 14 days of rollups each
    """INSERT INTO tracking_trackedlink (organization_id, enrollment_id, code, destination,
        active, created_at, valid_clicks)
       SELECT %(org)s, e.id, 's' || %(org)s || 'x' || e.id, 'https://example.test/', true,
              e.created_at, 0
       FROM programs_enrollment e JOIN programs_program p ON p.id = e.program_id
       WHERE e.organization_id = %(org)s AND p.state = 'launched'
       ORDER BY e.id LIMIT greatest(1, %(click_days)s / 14)""",
    """INSERT INTO tracking_dailyclicks (organization_id, link_id, day, valid, filtered)
       SELECT %(org)s, l.id, current_date - d, 1 + (l.id + d) %% 40, (l.id + d) %% 5
       FROM tracking_trackedlink l, generate_series(1, 14) d
       WHERE l.organization_id = %(org)s""",
]

# The portal creator: a login, a dozen places in the org, a few payouts each.
PORTAL_SQL = [
    """INSERT INTO programs_enrollment (organization_id, program_id, creator_id, state,
        created_at, availability_override_reason, end_reason, exclusion_conflicts,
        exclusion_override_reason)
       SELECT %(org)s, id, %(portal_creator)s, 'active', now(), '', '', '[]', ''
       FROM programs_program WHERE organization_id = %(org)s AND state = 'launched'
       ORDER BY id LIMIT %(portal_enrollments)s""",
]


def load(cursor: Any, params: dict[str, Any]) -> None:
    """Runs every statement with ``params`` (ids of the org and its people, and the sizes)."""
    for statement in SQL[:2]:
        cursor.execute(statement, params)
    # The portal creator's enrollments first, so every later per-enrollment row includes them.
    for statement in PORTAL_SQL:
        cursor.execute(statement, params)
    for statement in SQL[2:]:
        cursor.execute(statement, params)
    cursor.execute(
        """INSERT INTO payments_payout (organization_id, enrollment_id, creator_id,
            terms_version_id, amount, currency, reason, explanation, state, earn_key,
            earned_at, attempts, failure_count, failure_reason, hold_reason,
            provider_reference, updated_at)
           SELECT %(org)s, e.id, e.creator_id, e.terms_version_id, 25, 'EUR', 'flat_fee', '',
                  'paid', 'portal-' || e.id || '-' || n, now() - (n || ' days')::interval,
                  0, 0, '', '', '', now()
           FROM programs_enrollment e, generate_series(1, %(portal_payouts_each)s) n
           WHERE e.organization_id = %(org)s AND e.creator_id = %(portal_creator)s""",
        params,
    )
    cursor.execute(
        """INSERT INTO messaging_message (organization_id, thread_id, author_id, from_creator,
            text, created_at)
           SELECT %(org)s, t.id, %(creator_user)s, true, 'From the creator',
                  now() - interval '1 day'
           FROM messaging_thread t JOIN programs_enrollment e ON e.id = t.enrollment_id
           WHERE e.organization_id = %(org)s AND e.creator_id = %(portal_creator)s""",
        params,
    )


TABLES = [
    "influencers_creatorprofile",
    "programs_program",
    "programs_enrollment",
    "programs_termsversion",
    "programs_deliverable",
    "messaging_thread",
    "messaging_message",
    "messaging_threadread",
    "messaging_task",
    "payments_payout",
    "influencer_ops_auditevent",
    "tracking_trackedlink",
    "tracking_dailyclicks",
    # Kept by triggers, which a rebuild's DELETE (as replica) does not fire: deleted with the rest.
    "payments_payouttotal",
    "tracking_programdailyclicks",
]

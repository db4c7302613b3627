"""The timeline of one enrollment, newest first, as pages of ``HistoryLine``: its audit trail
(``recruiting.selectors.enrollment_audit_trail``: terms and amendments, confirmations, drafts
and reviews, extensions, cases, payouts and their moves) and its click milestones (recorded by
tracking, not audited), merged by time. A page costs the same queries whatever it holds: the
events of the page, one query per kind of thing they name, and the milestones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from heapq import merge
from typing import Any

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext

from influencer_ops.history import HistoryLine, changes_of, describe_events, references_for
from influencer_ops.history.lines import target_name
from influencer_ops.history.phrases import PHRASES
from influencer_ops.models import AuditEvent
from organizations.models import Membership, Organization
from programs.models import CaseAction, Enrollment, TermsVersion
from programs.recruiting.selectors import enrollment_audit_trail, hub_enrollments
from programs.timeline.visibility import CREATOR_VERBS, creator_may_read, for_creator
from tracking.models import MilestoneReached

MILESTONE_VERB = "milestone.reached"


def staff_enrollments(*, organization: Organization, membership: Membership) -> Any:
    """The enrollments whose timeline ``membership`` may read: those of the brands it covers."""
    return hub_enrollments(organization=organization, membership=membership)


def creator_enrollments(*, user: Any) -> QuerySet[Enrollment]:
    """The creator's own enrollments, any org (another creator's are not in it: a 404)."""
    return Enrollment.objects.filter(creator__user=user).select_related(
        "program__brand", "organization", "creator"
    )


def milestone_line(record: MilestoneReached) -> HistoryLine:
    clicks = formats.number_format(record.valid_clicks, force_grouping=True)
    milestone = formats.number_format(record.milestone, force_grouping=True)
    return HistoryLine(
        at=record.at,
        actor="",
        sentence=gettext("Click milestone of %(milestone)s reached with %(clicks)s valid clicks")
        % {"milestone": milestone, "clicks": clicks},
        verb=MILESTONE_VERB,
    )


@dataclass
class Timeline:
    """The whole story of one enrollment, sliced a page at a time (a Paginator, or the API's
    limit/offset, reads ``count()`` and ``[start:stop]``)."""

    enrollment: Enrollment
    events: QuerySet[AuditEvent]
    milestones: list[MilestoneReached]
    for_creator: bool

    def count(self) -> int:
        return self.events.count() + len(self.milestones)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[HistoryLine]:
        start, stop = window.start or 0, window.stop
        events = list(self.events[:stop]) if stop is not None else list(self.events)
        both: Iterator[tuple[Any, int, Any]] = merge(
            ((e.at, e.pk, e) for e in events),
            ((m.at, -m.pk, m) for m in self.milestones),
            key=lambda item: (item[0], item[1]),
            reverse=True,
        )
        picked = [item[2] for item in list(both)[start:stop]]
        return self._lines(picked)

    def _lines(self, rows: list[Any]) -> list[HistoryLine]:
        audit = [r for r in rows if isinstance(r, AuditEvent)]
        if self.for_creator:
            described = dict(zip((e.pk for e in audit), self._creator_lines(audit), strict=True))
        else:
            described = dict(zip((e.pk for e in audit), describe_events(audit), strict=True))
        for pk, note in _notes(audit, creator_view=self.for_creator).items():
            described[pk] = replace(described[pk], note=note)
        return [described[r.pk] if isinstance(r, AuditEvent) else milestone_line(r) for r in rows]

    def _creator_lines(self, events: list[AuditEvent]) -> list[HistoryLine]:
        """The creator's words: their own acts under their name, the team's under the org's
        (no staff names), only whitelisted fields in the details."""
        safe = [for_creator(e) for e in events]
        names = references_for(safe)
        mine = self.enrollment.creator.user_id
        org = self.enrollment.organization.name
        lines = []
        for event in safe:
            actor = (
                self.enrollment.creator.display_name
                if mine is not None and event.actor_id == mine
                else org
            )
            phrase = gettext(PHRASES[event.verb]).format(target=target_name(event))  # type: ignore[index]
            sentence = f"{actor} {phrase}"
            reason = event.after.get("reason") if isinstance(event.after, dict) else None
            if isinstance(reason, str) and reason:
                sentence += f" (“{reason.strip('“”')}”)"
            lines.append(
                HistoryLine(
                    at=event.at,
                    actor=actor,
                    sentence=sentence,
                    changes=changes_of(event, names),
                    verb=event.verb,
                )
            )
        return lines


def _notes(events: list[AuditEvent], *, creator_view: bool) -> dict[int, str]:
    """The words under a line: an amendment's reason (what the creator reads with the new
    terms) and a case action's text (for the creator, only actions shown to them). One query
    per kind, for the whole page."""
    terms = {
        e.pk: int(e.target_id)
        for e in events
        if e.target_type == "programs.termsversion" and e.target_id.isdigit()
    }
    actions: dict[int, int] = {}
    for e in events:
        action = e.after.get("action") if isinstance(e.after, dict) else None
        if e.target_type == "programs.compliancecase" and isinstance(action, int):
            actions[e.pk] = action
    notes: dict[int, str] = {}
    if terms:
        reasons = dict(
            TermsVersion.objects.filter(pk__in=set(terms.values())).values_list("pk", "reason")
        )
        notes.update({pk: reasons[t] for pk, t in terms.items() if reasons.get(t)})
    if actions:
        rows = CaseAction.objects.filter(pk__in=set(actions.values()))
        if creator_view:
            rows = rows.filter(visible_to_creator=True)
        texts = dict(rows.values_list("pk", "text"))
        notes.update({pk: texts[a] for pk, a in actions.items() if texts.get(a)})
    return notes


def enrollment_timeline(
    *, enrollment: Enrollment, with_money: bool, creator_view: bool = False
) -> Timeline:
    """The timeline of ``enrollment`` (already checked as readable). ``creator_view`` keeps
    to what the creator may read (``visibility``), payouts included; the team sees payouts
    with ``with_money`` (``can_view_payouts``)."""
    events = enrollment_audit_trail(enrollment=enrollment, with_money=with_money or creator_view)
    if creator_view:
        # A case action the creator was not shown (``visible`` false) stays out; events
        # without the key stay in (``contains`` is never NULL for a JSON object).
        events = events.filter(verb__in=sorted(CREATOR_VERBS)).exclude(
            after__contains={"visible": False}
        )
    milestones = list(
        MilestoneReached.objects.filter(
            organization_id=enrollment.organization_id, enrollment=enrollment
        ).order_by("-at", "-pk")
    )
    return Timeline(enrollment, events, milestones, creator_view)


__all__ = ["Timeline", "creator_may_read", "enrollment_timeline", "milestone_line"]

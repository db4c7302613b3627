"""Recruiting reads: enrollments for the team (by org) and for the creator (by their user), and
the enrollment hub (everything about one creator in one program)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import CharField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext

from influencer_ops.deliverable_names import phrase_of
from influencer_ops.history import HistoryLine, describe_events
from influencer_ops.models import AuditEvent
from messaging.kinds import ACTIVE_TASK_STATES
from messaging.models import Message, Task, Thread
from organizations.models import Membership, Organization
from payments.models import Payout
from programs.models import (
    AmountOwed,
    ComplianceCase,
    Deliverable,
    Enrollment,
    Extension,
    Program,
    Submission,
    TermsVersion,
)
from programs.selectors import brands_visible_to
from programs.states import EnrollmentState
from tracking.models import MilestoneReached, TrackedLink
from tracking.pace.services import milestone_of, with_valid_clicks


def with_terms(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """What an enrollment row shows: its program, creator and every terms version."""
    return enrollments.select_related("program", "creator").prefetch_related("terms_versions")


def org_enrollments(
    *, organization: Organization, program_id: int | None = None, state: str | None = None
) -> QuerySet[Enrollment]:
    rows = with_terms(Enrollment.objects.filter(organization=organization))
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("program_id", "id")


def program_roster(*, organization: Organization, program: Program) -> list[Enrollment]:
    """Everyone in ``program``: the waitlist in its order, the others by name."""
    return list(
        Enrollment.objects.filter(organization=organization, program=program)
        .select_related("creator")
        .order_by("waitlist_position", "creator__display_name")
    )


def terms_versions(enrollment: Enrollment) -> list[TermsVersion]:
    """Every terms version of ``enrollment``, the latest first."""
    return list(
        TermsVersion.objects.filter(enrollment=enrollment)
        .order_by("-number")
        .select_related("created_by")
    )


def creator_invitations(*, user: Any) -> QuerySet[Enrollment]:
    """The creator's invitations and places across their orgs (not the waitlist: they have not
    been invited yet), newest first."""
    return with_terms(
        Enrollment.objects.filter(creator__user=user).exclude(state=EnrollmentState.WAITLISTED)
    ).order_by("-created_at", "-id")


def creator_enrollment(*, user: Any, pk: int) -> Enrollment | None:
    """One of the creator's own enrollments (None for a missing one or another creator's)."""
    return (
        Enrollment.objects.select_related("program__brand", "organization", "creator")
        .filter(pk=pk, creator__user=user)
        .first()
    )


# --- the enrollment hub: everything about one creator in one program ---

HUB_HISTORY_LIMIT = 50
HUB_MESSAGES = 5
# The terms an amendment may change, as people read them (the order of the diff).
TERMS_LABELS = {
    "fee": "Flat fee",
    "per_click_rate": "Pay per valid click",
    "click_milestone": "Click milestone",
    "milestone_bonus": "Milestone bonus",
    "prorate_if_missed": "Bonus pro-rated if the milestone is missed",
    "commission_percent": "Commission (% of net order value)",
    "commission_fixed": "Commission per order",
    "commission_window_days": "Attribution window (days after the end)",
    "commission_holding_days": "Commission holding period (days)",
    "commission_cap": "Commission cap",
    "guidelines": "Guidelines",
    "disclosure_rule": "Disclosure",
    "nda_required": "NDA",
    "deliverables": "Deliverables",
    "launch_on": "Start",
    "end_on": "End",
}


@dataclass(frozen=True)
class TermsChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TermsRow:
    version: TermsVersion
    changes: list[TermsChange]


@dataclass
class EnrollmentHub:
    """What the hub shows; sections a role may not read stay empty (``None``)."""

    enrollment: Enrollment
    terms: list[TermsRow]
    deliverables: list[Deliverable]
    valid_clicks: int
    milestone: int | None
    milestones_reached: list[MilestoneReached]
    cases: list[ComplianceCase]
    history: list[HistoryLine]
    history_count: int
    payouts: list[Payout] | None = None
    tasks: list[Task] | None = None
    thread: Thread | None = None
    messages: list[Message] = field(default_factory=list)

    @property
    def open_case(self) -> ComplianceCase | None:
        open_states = (ComplianceCase.State.OPEN, ComplianceCase.State.ESCALATED)
        return next((case for case in self.cases if case.state in open_states), None)


def hub_enrollments(*, organization: Organization, membership: Membership) -> QuerySet[Enrollment]:
    """The enrollments ``membership`` may open the hub of (programs of the brands it covers),
    with what the page shows of each in the same query, valid clicks included."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    rows = Enrollment.objects.filter(
        organization=organization, program__brand_id__in=brand_ids
    ).select_related(
        "program__brand",
        "program__assigned_ism",
        "program__assigned_bsm",
        "creator",
        "terms_version",
        "assigned_ism",
        "assigned_bsm",
        "tracked_link",
        "thread",
    )
    return with_valid_clicks(rows, organization=organization)


def _shown(key: str, value: Any, currency: str) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key in ("fee", "milestone_bonus", "per_click_rate", "commission_fixed", "commission_cap"):
        return f"{value} {currency}"
    if key == "commission_percent":
        return f"{value} %"
    if key == "click_milestone":
        return gettext("%(value)s valid clicks") % {"value": value}
    if key == "deliverables" and isinstance(value, list):
        return "; ".join(
            phrase_of(d) + (f", due {d['due_on']}" if d.get("due_on") else "")
            for d in value
            if isinstance(d, dict)
        )
    return str(value)


def terms_changes(before: dict[str, Any], after: dict[str, Any]) -> list[TermsChange]:
    """What ``after`` changed from ``before``, old → new, in the order people read terms."""
    currency = str(after.get("currency") or before.get("currency") or "")
    return [
        TermsChange(
            label, _shown(key, before.get(key), currency), _shown(key, after.get(key), currency)
        )
        for key, label in TERMS_LABELS.items()
        if before.get(key) != after.get(key)
    ]


def _terms_rows(enrollment: Enrollment) -> list[TermsRow]:
    versions = terms_versions(enrollment)  # latest first
    rows = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = terms_changes(previous.snapshot, version.snapshot) if previous else []
        rows.append(TermsRow(version, changes))
    return rows


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The ids of ``queryset`` as text, to match ``AuditEvent.target_id`` in a subquery."""
    return queryset.annotate(target=Cast("pk", output_field=CharField())).values("target")


def enrollment_audit_trail(*, enrollment: Enrollment, with_money: bool) -> QuerySet[AuditEvent]:
    """Events about the enrollment and what hangs on it (terms, deliverables and drafts,
    extensions, cases, the tracked link; payouts when ``with_money``), newest first."""
    org_id = enrollment.organization_id
    mine = {"organization_id": org_id}
    targets = Q(target_type="programs.enrollment", target_id=str(enrollment.pk))
    related: list[tuple[str, QuerySet[Any]]] = [
        ("programs.termsversion", TermsVersion.objects.filter(enrollment=enrollment, **mine)),
        ("programs.deliverable", Deliverable.objects.filter(enrollment=enrollment, **mine)),
        (
            "programs.submission",
            Submission.objects.filter(deliverable__enrollment=enrollment, **mine),
        ),
        (
            "programs.extension",
            Extension.objects.filter(deliverable__enrollment=enrollment, **mine),
        ),
        ("programs.compliancecase", ComplianceCase.objects.filter(enrollment=enrollment, **mine)),
        ("programs.amountowed", AmountOwed.objects.filter(enrollment=enrollment, **mine)),
        ("tracking.trackedlink", TrackedLink.objects.filter(enrollment=enrollment, **mine)),
    ]
    if with_money:
        related.append(("payments.payout", Payout.objects.filter(enrollment=enrollment, **mine)))
    for target_type, rows in related:
        targets |= Q(target_type=target_type, target_id__in=_ids(rows))
    return (
        AuditEvent.objects.filter(targets, organization_id=org_id)
        .select_related("actor")
        .order_by("-at", "-id")
    )


def _thread(enrollment: Enrollment) -> Thread | None:
    try:
        return enrollment.thread
    except ObjectDoesNotExist:
        return None


def enrollment_hub(*, enrollment: Enrollment, with_money: bool, with_desk: bool) -> EnrollmentHub:
    """Every section of the hub for ``enrollment`` (from ``hub_enrollments``), in a fixed number
    of queries however many versions, deliverables, payouts, tasks or events it has. Payouts
    need ``with_money`` (``can_view_payouts``); tasks and the thread ``with_desk``."""
    org_id = enrollment.organization_id
    deliverables = list(
        Deliverable.objects.filter(organization_id=org_id, enrollment=enrollment)
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=Submission.objects.filter(organization_id=org_id).order_by("-version"),
            )
        )
        .order_by("due_on", "id")
    )
    trail = enrollment_audit_trail(enrollment=enrollment, with_money=with_money)
    hub = EnrollmentHub(
        enrollment=enrollment,
        terms=_terms_rows(enrollment),
        deliverables=deliverables,
        valid_clicks=int(getattr(enrollment, "pace_valid_clicks", 0) or 0),
        milestone=milestone_of(enrollment),
        milestones_reached=list(
            MilestoneReached.objects.filter(organization_id=org_id, enrollment=enrollment).order_by(
                "milestone"
            )
        ),
        cases=list(
            ComplianceCase.objects.filter(organization_id=org_id, enrollment=enrollment).order_by(
                "-created_at", "-id"
            )
        ),
        history=describe_events(trail[:HUB_HISTORY_LIMIT]),
        history_count=trail.count(),
    )
    if with_money:
        hub.payouts = list(
            Payout.objects.filter(organization_id=org_id, enrollment=enrollment).order_by(
                "-earned_at", "-id"
            )
        )
    if with_desk:
        hub.tasks = list(
            Task.objects.filter(
                organization_id=org_id, enrollment=enrollment, state__in=ACTIVE_TASK_STATES
            )
            .select_related("assignee")
            .order_by("due_at", "pk")
        )
        hub.thread = _thread(enrollment)
        if hub.thread is not None:
            latest = Message.objects.filter(organization_id=org_id, thread=hub.thread)
            hub.messages = list(
                latest.select_related("author").order_by("-created_at", "-id")[:HUB_MESSAGES]
            )[::-1]
    return hub


def creator_enrollments(*, organization: Organization, creator: Any) -> QuerySet[Enrollment]:
    """The creator's places in the org's programs, newest first (the creator page's list)."""
    return (
        Enrollment.objects.filter(organization=organization, creator=creator)
        .select_related("program__brand")
        .order_by("-created_at", "-id")
    )

"""Everything held about one creator, across every org they belong to: the sections of their
data export. Reads only; each section is a few queries whatever the volume (``values()`` rows,
JSON-ready). Call inside the creator's scope (``influencers.access.creator_job_scope``): the
database shows their orgs, and every query here also filters by their own login.

Left out on purpose: what the team writes for itself (a profile's internal notes, reviews'
internal notes, case notes not shown to the creator), as the portal leaves it out."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from influencer_ops.models import AuditEvent
from influencers.models import (
    Availability,
    CreatorExclusion,
    CreatorProfile,
    CreatorValues,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from messaging.models import Message, Notification, Request, Thread
from payments.models import LedgerEntry, LedgerTransaction, Payout, PayoutDetails, TaxForm
from programs.models import (
    CaseAction,
    ComplianceCase,
    Deliverable,
    Enrollment,
    Extension,
    Review,
    Submission,
    SubmissionMedia,
    TermsVersion,
)
from tracking.models import MilestoneReached, TrackedLink

Section = dict[str, list[dict[str, Any]]]


def _rows(qs: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    """The rows as dicts; a field list may be one string of space-separated names."""
    return list(qs.values(*(name for group in fields for name in group.split())))


def _account(user: Any) -> Section:
    return {
        "account": [
            {
                "id": user.pk,
                "email": user.email,
                "name": user.name,
                "time_zone": user.time_zone,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ]
    }


def _profile(user: Any) -> Section:
    mine = Q(profile__user=user)
    return {
        "profiles": _rows(
            CreatorProfile.objects.filter(user=user).order_by("organization_id"),
            "id organization_id organization__name display_name email categories languages "
            "location rate_per_post rate_currency click_milestone payout_ready programs_completed "
            "milestones_reached created_at",
        ),
        "handles": _rows(
            SocialHandle.objects.filter(mine).order_by("id"),
            "id profile_id platform handle audience_size engagement_rate",
        ),
        "availability": _rows(
            Availability.objects.filter(mine).order_by("away_from", "id"),
            "id profile_id away_from away_to note",
        ),
        "interests": _rows(
            ProgramInterest.objects.filter(mine).order_by("id"),
            "id profile_id category note created_at",
        ),
        "milestone_changes": _rows(
            MilestoneChange.objects.filter(mine).order_by("at", "id"),
            "id profile_id old new reason at",
        ),
        # What they won't promote: kept with their login, shown to every org.
        "exclusions": _rows(
            CreatorExclusion.objects.filter(user=user).order_by("id"),
            "id kind value created_at",
        ),
        "values": _rows(CreatorValues.objects.filter(user=user), "statement updated_at"),
    }


def _enrollments(user: Any) -> Section:
    return {
        "enrollments": _rows(
            Enrollment.objects.filter(creator__user=user).order_by("created_at", "id"),
            "id organization__name program_id program__name program__brand__name state "
            "terms_version_id created_at invited_at expires_at accepted_at nda_accepted_at "
            "confirmed_at ended_at end_reason",
        ),
        "terms_versions": _rows(
            TermsVersion.objects.filter(enrollment__creator__user=user).order_by(
                "enrollment_id", "number"
            ),
            "id enrollment_id number snapshot reason created_at accepted_at declined_at",
        ),
        "tracked_links": _rows(
            TrackedLink.objects.filter(enrollment__creator__user=user).order_by("id"),
            "id enrollment_id code destination created_at",
        ),
        "milestones_reached": _rows(
            MilestoneReached.objects.filter(enrollment__creator__user=user).order_by("id"),
            "id enrollment_id milestone valid_clicks at",
        ),
    }


def _content(user: Any) -> Section:
    mine = Q(deliverable__enrollment__creator__user=user)
    return {
        "deliverables": _rows(
            Deliverable.objects.filter(enrollment__creator__user=user).order_by("due_on", "id"),
            "id enrollment_id program__name kind platform number due_on original_due_on state "
            "live_url published_caption approved_at published_at",
        ),
        "submissions": _rows(
            Submission.objects.filter(mine).order_by("deliverable_id", "version"),
            "id deliverable_id version caption links media_url disclosure_passed created_at",
        ),
        "media_files": _rows(
            SubmissionMedia.objects.filter(
                submission__deliverable__enrollment__creator__user=user
            ).order_by("submission_id", "position"),
            "id submission_id position kind original_name content_type size width height "
            "created_at",
        ),
        "reviews": _rows(
            Review.objects.filter(submission__deliverable__enrollment__creator__user=user).order_by(
                "created_at", "id"
            ),
            "id submission_id outcome comment created_at",
        ),
        "extensions": _rows(
            Extension.objects.filter(mine).order_by("created_at", "id"),
            "id deliverable_id requested_due_on previous_due_on reason state decision_note "
            "created_at decided_at",
        ),
    }


def _conversations(user: Any) -> Section:
    threads = Thread.objects.filter(enrollment__creator__user=user)
    return {
        "requests": _rows(
            Request.objects.filter(creator__user=user).order_by("created_at", "id"),
            "id organization__name enrollment_id topic text thread_id created_at",
        ),
        "threads": _rows(threads.order_by("id"), "id", "enrollment_id", "title", "created_at"),
        # Messages of their own threads; the team's notes live elsewhere (tasks), never here.
        "messages": _rows(
            Message.objects.filter(thread__in=threads).order_by("created_at", "id"),
            "id thread_id from_creator author__name text created_at",
        ),
        "cases": _rows(
            ComplianceCase.objects.filter(enrollment__creator__user=user).order_by("id"),
            "id enrollment_id kind severity state evidence evidence_links created_at closed_at",
        ),
        "case_actions": _rows(
            CaseAction.objects.filter(
                case__enrollment__creator__user=user, visible_to_creator=True
            ).order_by("created_at", "id"),
            "id case_id kind remedy text due_on created_at",
        ),
        "notifications": _rows(
            Notification.objects.filter(recipient=user).order_by("created_at", "id"),
            "id kind title body created_at read_at",
        ),
    }


def _money(user: Any) -> Section:
    payouts = Payout.objects.filter(creator__user=user)
    return {
        "payouts": _rows(
            payouts.order_by("earned_at", "id"),
            "id organization__name enrollment_id amount currency reason explanation state "
            "earned_at expected_on paid_at hold_reason failure_reason",
        ),
        "ledger_transactions": _rows(
            LedgerTransaction.objects.filter(payout__in=payouts).order_by("at", "id"),
            "id payout_id from_state to_state memo at",
        ),
        "ledger_entries": _rows(
            LedgerEntry.objects.filter(transaction__payout__in=payouts).order_by("id"),
            "id transaction_id account amount currency",
        ),
        "payout_details": _rows(
            PayoutDetails.objects.filter(creator__user=user).order_by("id"),
            "id creator_id method account_name account_identifier updated_at",
        ),
        "tax_forms": _rows(
            TaxForm.objects.filter(creator__user=user).order_by("id"),
            "id creator_id kind state reference received_at decided_at",
        ),
    }


# The audit targets that are about the creator: (target_type, section holding their ids).
AUDIT_TARGETS = {
    "influencers.creatorprofile": "profiles",
    "influencers.socialhandle": "handles",
    "influencers.availability": "availability",
    "influencers.programinterest": "interests",
    "programs.enrollment": "enrollments",
    "programs.termsversion": "terms_versions",
    "programs.deliverable": "deliverables",
    "programs.submission": "submissions",
    "programs.extension": "extensions",
    "programs.compliancecase": "cases",
    "messaging.request": "requests",
    "payments.payout": "payouts",
    "payments.payoutdetails": "payout_details",
    "payments.taxform": "tax_forms",
    "tracking.trackedlink": "tracked_links",
}


def audit_about(user: Any, sections: Section) -> QuerySet[AuditEvent]:
    """Audit events whose target is one of the creator's things, or that they made."""
    about = Q(actor=user)
    for target_type, section in AUDIT_TARGETS.items():
        ids = [str(row["id"]) for row in sections.get(section, [])]
        if ids:
            about |= Q(target_type=target_type, target_id__in=ids)
    return AuditEvent.objects.filter(about).order_by("at", "id")


def creator_data(*, user: Any) -> Section:
    """Every section of the export, by name (file ``<name>.json``)."""
    sections: Section = {}
    for part in (_account, _profile, _enrollments, _content, _conversations, _money):
        sections |= part(user)
    sections["audit_events"] = _rows(
        audit_about(user, sections),
        "id organization__name actor_label verb target_type target_id target_label before after at",
    )
    return sections

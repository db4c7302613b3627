"""The creator sends a new version of a deliverable; the brand's approvers hear of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, FieldError
from influencer_ops.events import EventType, emit
from influencer_ops.validation import CAPTION_MAX_LENGTH, SUBMISSION_MAX_LINKS
from messaging.kinds import NotificationKind, OwnerRole, TaskKind
from messaging.services import notifications
from messaging.services.queue import task_create
from programs.content import media
from programs.content.disclosure import DisclosureResult, check_disclosure
from programs.content.services.common import (
    DELIVERABLE_TRANSITIONS,
    approvers,
    clean_text_of,
    clean_web_url,
    deliverable_label,
    deliverable_move,
    disclosure_rule_for,
    lock_deliverable,
    require_own,
    staff_url,
)
from programs.events import submission_event
from programs.models import Deliverable, DeliverableState, Submission
from programs.states import EnrollmentState, check_transition


def _clean_links(links: Sequence[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > SUBMISSION_MAX_LINKS:
        raise DomainError(
            gettext("Give at most %(SUBMISSION_MAX_LINKS)s links.")
            % {"SUBMISSION_MAX_LINKS": SUBMISSION_MAX_LINKS}
        )
    return [
        clean_web_url(link, (gettext("The link “%(value)s”") % {"value": link[:60]}))
        for link in cleaned
    ]


class DisclosureMissing(FieldError):
    """The caption lacks the disclosure and the program's check blocks: nothing is stored."""

    def __init__(self, result: DisclosureResult) -> None:
        phrases = ", ".join(f"“{term}”" for term in result.required)
        super().__init__(
            gettext("caption"),
            (
                gettext(
                    "Not sent: the caption must disclose the partnership. Write one of "
                    "%(phrases)s in the caption itself (anywhere in it; the first line is "
                    "best, before “more”). Links and media are not checked."
                )
                % {"phrases": phrases}
            ),
        )


def review_task(deliverable: Deliverable, actor: Any | None, due_at: datetime) -> bool:
    """One open CONTENT_REVIEW task per deliverable (task_create dedupes), in the approvers'
    queue: the approvers covering the brand hear of it (the submission's own notice); past
    ``due_at`` the escalation sweep hands it to the BSM."""
    enrollment = deliverable.enrollment
    program = deliverable.program
    _task, created = task_create(
        organization=deliverable.organization,
        kind=TaskKind.CONTENT_REVIEW,
        title=gettext("Review %(display_name)s's %(deliverable_label)s for %(name)s")
        % {
            "display_name": enrollment.creator.display_name,
            "deliverable_label": deliverable_label(deliverable),
            "name": program.name,
        },
        owner_role=OwnerRole.APPROVER,
        assignee=None,
        program=program,
        enrollment=enrollment,
        creator=enrollment.creator,
        dedupe_key=f"review:{deliverable.pk}",
        source_event="submission.created",
        actor=actor,
        due_at=due_at,
        notify=False,  # the approvers covering the brand get the submission's own notice
    )
    return created


@transaction.atomic
def submission_create(
    *,
    deliverable: Deliverable,
    user: Any,
    caption: str = "",
    links: Sequence[str] = (),
    media_url: str = "",
    files: Sequence[File] = (),
) -> Submission:
    """The deliverable's own creator sends a new version (all versions are kept).

    Refused: another person (404), an enrollment that is not active or a deliverable that is
    not pending / changes requested (409), an empty or malformed submission (400), a caption
    without the disclosure unless the program's check only advises (400, ``DisclosureMissing``,
    naming the accepted phrases), a file of a type we do not accept or over its size limit
    (400 on ``media_files``, ``programs.content.media``): nothing is stored then, files included.
    Uploaded images and videos are stored with the version (images with a thumbnail). Opens
    one review task in the approvers' queue (deduped) and tells the approvers covering the brand.
    """
    locked = lock_deliverable(deliverable.pk)
    require_own(locked, user)
    enrollment = locked.enrollment
    if enrollment.state != EnrollmentState.ACTIVE:
        raise Conflict(
            gettext("Your place in %(name)s is %(lower)s: no more content can be submitted.")
            % {"name": locked.program.name, "lower": enrollment.get_state_display().lower()}
        )
    check_transition(
        DELIVERABLE_TRANSITIONS, locked.state, DeliverableState.SUBMITTED, "deliverable"
    )
    caption = clean_text_of(caption, CAPTION_MAX_LENGTH, gettext("The caption"))
    cleaned_links = _clean_links(links)
    media_url = (
        clean_web_url(media_url, gettext("The media link")) if (media_url or "").strip() else ""
    )
    checked = media.check_uploads(files)
    if not (caption or cleaned_links or media_url or checked):
        raise DomainError(
            gettext("Add a caption, a link, a file or a media link: the submission is empty.")
        )
    last = Submission.objects.filter(deliverable=locked).order_by("-version").first()
    result = check_disclosure(caption, disclosure_rule_for(locked))
    if not result.passed and not locked.program.disclosure_advisory:
        raise DisclosureMissing(result)
    saved: list[str] = []
    try:
        submission = _record(locked, user, caption, cleaned_links, media_url, result, last)
        media.store(submission, checked, saved)
        _tell_approvers(locked, submission, user)
    except BaseException:
        media.discard(saved)  # nothing half-written: the rows roll back, the files go too
        raise
    return submission


def _record(
    locked: Deliverable,
    user: Any,
    caption: str,
    links: list[str],
    media_url: str,
    result: DisclosureResult,
    last: Submission | None,
) -> Submission:
    """The version's row, the deliverable's move and the audit event."""
    submission = Submission.objects.create(
        organization_id=locked.organization_id,
        deliverable=locked,
        version=(last.version if last else 0) + 1,
        caption=caption,
        links=links,
        media_url=media_url,
        disclosure_passed=result.passed,
        disclosure_matches=result.matches,
        submitted_by=user,
    )
    before = locked.state
    deliverable_move(locked, DeliverableState.SUBMITTED)
    locked.save(update_fields=["state"])
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.SUBMISSION_CREATED,
        target=submission,
        before={"state": before},
        after={
            "state": locked.state,
            "version": submission.version,
            "disclosure_passed": result.passed,
            "disclosure_matches": result.matches,
        },
    )
    emit(locked.organization, EventType.SUBMISSION_SUBMITTED, submission_event(submission, locked))
    return submission


def _tell_approvers(locked: Deliverable, submission: Submission, user: Any) -> None:
    """One review task in the approvers' queue (deduped) and a notice to each of them."""
    program = locked.program
    enrollment = locked.enrollment
    review_task(locked, user, timezone.now() + timedelta(days=program.review_sla_days))
    disclosure = (
        "passed" if submission.disclosure_passed else gettext("FAILED (approving needs a reason)")
    )
    notifications.notify_many(
        recipients=approvers(program),
        organization=locked.organization,
        kind=NotificationKind.TASK_ASSIGNED,
        event_key=f"submission:{submission.pk}:created",
        title=gettext("To review: %(display_name)s's %(deliverable_label)s (version %(version)s)")
        % {
            "display_name": enrollment.creator.display_name,
            "deliverable_label": deliverable_label(locked),
            "version": submission.version,
        },
        body=gettext("%(name)s · disclosure check %(disclosure)s.")
        % {"name": program.name, "disclosure": disclosure},
        url=staff_url(locked),
    )

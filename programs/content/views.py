"""Content pages: the creator's deliverables (portal) and the brand's review pages.

Portal pages see only the signed-in creator's own deliverables (another's is a 404). Staff pages
show the deliverables of brands the member covers (others are a 404); reviewing needs
``can_approve_content`` for the brand (403 otherwise).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error
from influencers.access import CreatorViewMixin
from organizations.access import get_for_org
from organizations.permissions import can_approve_content
from programs.content import media, selectors
from programs.content import services as content
from programs.content.disclosure import disclosure_terms
from programs.content.forms import PublishForm, ReviewForm, SubmissionForm
from programs.content.uploads import too_large
from programs.models import Deliverable, DeliverableState, Submission
from programs.states import EnrollmentState
from programs.views import ProgramViewMixin

INBOX_PAGE_SIZE = 25


def _versions_context(deliverable: Deliverable) -> dict[str, Any]:
    versions = selectors.versions_of(deliverable=deliverable)
    return {
        "deliverable": deliverable,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "rule_terms": disclosure_terms(content.disclosure_rule_for(deliverable)),
    }


# --- the creator's side ---


class PortalDeliverablesView(CreatorViewMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        rows = list(selectors.creator_deliverables(user=request.user))
        return render(request, "portal/deliverables.html", {"deliverables": rows})


class PortalDeliverableView(CreatorViewMixin, View):
    def _deliverable(self, pk: int) -> Deliverable:
        deliverable = (
            selectors.creator_deliverables(user=cast(Any, self.request.user))
            .select_related("enrollment__terms_version")
            .filter(pk=pk)
            .first()
        )
        if deliverable is None:
            raise Http404(gettext("Not found."))
        return deliverable

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(self._deliverable(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        deliverable = self._deliverable(pk)
        if request.POST.get("action") == "publish":
            return self._publish(deliverable)
        form = SubmissionForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("media_files")
            try:
                if dropped := too_large(request):
                    raise media.refuse_too_large(dropped)
                submission = content.submission_create(
                    deliverable=deliverable, user=request.user, files=files, **data
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                self._sent(submission)
                return redirect(request.path)
        return self._render(self._deliverable(pk), submission_form=form, status=status)

    def _sent(self, submission: Submission) -> None:
        if submission.disclosure_passed:
            text = gettext("Version %(version)s sent for review. The disclosure check passed.") % {
                "version": submission.version
            }
            messages.success(self.request, text)
            return
        messages.warning(
            self.request,
            gettext(
                "Version %(version)s sent for review, flagged: the caption has none of "
                "the disclosure phrases. The brand may ask you to add one."
            )
            % {"version": submission.version},
        )

    def _publish(self, deliverable: Deliverable) -> HttpResponse:
        form = PublishForm(self.request.POST)
        status = 400
        if form.is_valid():
            try:
                published = content.deliverable_publish(
                    deliverable=deliverable, user=self.request.user, **form.cleaned_data
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                note = (
                    ""
                    if published.published_disclosure_passed
                    else (
                        gettext(
                            " The published caption does not pass the disclosure check: "
                            "please add it."
                        )
                    )
                )
                messages.success(self.request, "Live URL recorded." + note)
                return redirect(self.request.path)
        return self._render(self._deliverable(deliverable.pk), publish_form=form, status=status)

    def _render(
        self,
        deliverable: Deliverable,
        submission_form: SubmissionForm | None = None,
        publish_form: PublishForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = _versions_context(deliverable)
        latest = context["latest"]
        context.update(
            {
                "can_submit": deliverable.state
                in (
                    DeliverableState.PENDING,
                    DeliverableState.CHANGES_REQUESTED,
                    DeliverableState.SUBMITTED,
                )
                and deliverable.enrollment.state == EnrollmentState.ACTIVE,
                "can_publish": deliverable.state == DeliverableState.APPROVED,
                "submission_form": submission_form
                or SubmissionForm(initial={"caption": latest.caption if latest else ""}),
                "publish_form": publish_form
                or PublishForm(initial={"caption": latest.caption if latest else ""}),
            }
        )
        return render(self.request, "portal/deliverable.html", context, status=status)


# --- the brand's side ---


class ProgramContentView(ProgramViewMixin, View):
    """Content status of one program: every deliverable by creator, counts by state."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        rows, counts = selectors.program_content(program=program)
        context = {"program": program, "rows": rows, "counts": counts}
        return self.render_page("content_program.html", context)


class ContentDeliverableView(ProgramViewMixin, View):
    def _deliverable(self, pk: Any) -> Deliverable:
        deliverables = selectors.staff_deliverables(
            organization=self.organization, membership=self.membership
        ).select_related("enrollment__terms_version")
        return get_for_org(deliverables, self.organization, pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(self._deliverable(kwargs["pk"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deliverable = self._deliverable(kwargs["pk"])
        if not can_approve_content(self.membership, deliverable.program.brand):
            raise PermissionDenied(gettext("Only the brand's approvers can review its content."))
        latest = selectors.latest_version(deliverable=deliverable)
        failed = latest is not None and not latest.disclosure_passed
        form = ReviewForm(request.POST, disclosure_failed=failed)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            submission = get_for_org(
                Submission.objects.filter(deliverable=deliverable),
                self.organization,
                data.pop("submission"),
            )
            try:
                review = content.review_create(
                    submission=submission, membership=self.membership, **data
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                return self._next(review.get_outcome_display())
        return self._render(self._deliverable(kwargs["pk"]), form, status=status)

    def _next(self, outcome: str) -> HttpResponse:
        """After a decision: the next item awaiting the reviewer, else back to the inbox."""
        following = selectors.awaiting_decision(
            organization=self.organization, membership=self.membership
        ).first()
        if following is None:
            messages.success(
                self.request,
                gettext("%(outcome)s: the creator has been told. Nothing else awaits you.")
                % {"outcome": outcome},
            )
            return redirect(self.url("approvals_inbox"))
        creator = following.enrollment.creator.display_name
        messages.success(
            self.request,
            gettext(
                "%(outcome)s: the creator has been told. Next: %(creator)s's "
                "%(display_name)s for %(name)s."
            )
            % {
                "outcome": outcome,
                "creator": creator,
                "display_name": following.display_name,
                "name": following.program.name,
            },
        )
        return redirect(self.url("content_deliverable", pk=following.pk))

    def _render(
        self, deliverable: Deliverable, form: ReviewForm | None = None, status: int = 200
    ) -> HttpResponse:
        context = _versions_context(deliverable)
        latest = context["latest"]
        can_review = (
            can_approve_content(self.membership, deliverable.program.brand)
            and deliverable.state == DeliverableState.SUBMITTED
            and latest is not None
        )
        if can_review and form is None:
            form = ReviewForm(
                disclosure_failed=not latest.disclosure_passed,
                initial={"submission": latest.pk},
            )
        following = (
            selectors.awaiting_decision(organization=self.organization, membership=self.membership)
            .exclude(pk=deliverable.pk)
            .first()
        )
        context.update({"can_review": can_review, "form": form, "next_item": following})
        return self.render_page("content_deliverable.html", context, status=status)


class ApprovalsInboxView(ProgramViewMixin, View):
    """Everything awaiting the viewer's decision, the longest waiting first: the approvers'
    queue (content review tasks are theirs until the review SLA passes)."""

    capability = can_approve_content

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Approve the ticked versions at once (``content.reviews_bulk_approve``): all or none;
        another org's version is a 404, one of a brand the viewer may not approve a 403 (both
        through ``DomainErrorMiddleware``), a refusal (nothing ticked, a failed disclosure
        check, a version decided meanwhile) the inbox again with the reason and the ticks."""
        raw = request.POST.getlist("submission")
        ids = [int(v) for v in raw if v.isascii() and v.isdigit() and len(v) < 10]
        if len(ids) != len(raw):
            raise Http404(gettext("Not found."))
        comment = request.POST.get("comment", "")
        try:
            reviews = content.reviews_bulk_approve(
                membership=self.membership, submission_ids=ids, comment=comment
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            refusals = getattr(exc, "refusals", [])
            extra = {"error": str(exc), "refusals": refusals, "ticked": set(raw)}
            return self._render(request, status=exc.status_code, comment=comment, **extra)
        messages.success(
            request,
            ngettext(
                "%(count)d version approved: the creator has been told.",
                "%(count)d versions approved: each creator has been told.",
                len(reviews),
            )
            % {"count": len(reviews)},
        )
        return redirect(self.url("approvals_inbox"))

    def _render(self, request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
        waiting = selectors.awaiting_decision(
            organization=self.organization, membership=self.membership
        )
        page = Paginator(waiting, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render_page("content_inbox.html", {"page": page, **extra}, status=status)

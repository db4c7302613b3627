"""Payment run pages: the runs, the preview of a run that an admin confirms to start it, one
run with its live progress, failures, payouts and actions, the CSV of its payouts and of its
bank export, and the payment schedule.

Reading needs ``can_view_payouts`` (403 otherwise); starting, approving, cancelling and
confirming runs and changing the schedule need ``can_run_payments`` (the services check it
too). Another org's run is a 404, like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.csv_export import csv_download, csv_response, neutralise_csv
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_run_payments, can_view_payouts
from payments.models import PaymentRun, Payout, PayoutReason, PayoutState
from payments.runs import selectors
from payments.runs import services as runs
from payments.runs.forms import WEEKDAYS, ScheduleForm
from payments.runs.schedule import ScheduleInvalid, schedule_for, schedule_update

PAGE_SIZE = 50
# Each list of a preview shows this many rows, then "and N more" with a link to the payouts.
PREVIEW_ROWS = 50
OPEN_STATES = (
    PaymentRun.State.AWAITING_APPROVAL,
    PaymentRun.State.PROCESSING,
    PaymentRun.State.AWAITING_CONFIRMATION,
)
PAYOUT_COLUMNS = (
    ("Payout", "id"),
    ("Creator", "creator"),
    ("Program", "program"),
    ("Reason", "reason"),
    ("Amount", "amount"),
    ("Currency", "currency"),
    ("State", "state"),
    ("Idempotency key", "idempotency_key"),
    ("Paid at (UTC)", "paid_at"),
    ("Failure reason", "failure_reason"),
)


def _refuse(exc: DomainError) -> None:
    """A service's 403 is the page's 403; other refusals are shown as messages."""
    if exc.status_code == 403:
        raise PermissionDenied(str(exc)) from exc


def runs_of(organization: Any) -> QuerySet[PaymentRun]:
    return PaymentRun.objects.filter(organization=organization).select_related(
        "started_by", "approved_by"
    )


class RunMixin(OrgViewMixin):
    capability = can_view_payouts
    request: HttpRequest

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def run(self, pk: Any) -> PaymentRun:
        return get_for_org(runs_of(self.organization), self.organization, pk)

    def require_runner(self) -> None:
        if not can_run_payments(self.membership):
            raise PermissionDenied(gettext("Only admins run payments."))

    def render_page(
        self, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        base = {
            "organization": self.organization,
            "membership": self.membership,
            "can_run": can_run_payments(self.membership),
        }
        return render(self.request, f"payments/{template}", base | context, status=status)


class RunListView(RunMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render()

    def _render(self) -> HttpResponse:
        page = Paginator(runs_of(self.organization), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        open_run = runs_of(self.organization).filter(state__in=OPEN_STATES).first()
        context = {
            "page": page,
            "open_run": open_run,
            "schedule": schedule_for(organization=self.organization),
        }
        return self.render_page("run_list.html", context)


@dataclass(frozen=True)
class PreviewSection:
    """One list of a preview page: its first rows and how many more there are."""

    key: str
    title: str
    caption: str
    rows: list[selectors.PreviewPayout]
    total: int
    empty: str
    state: str  # the payout list's filter for "see all"

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def preview_sections(preview: selectors.RunPreview) -> list[PreviewSection]:
    minimum = (
        (gettext(" (the minimum payout is %(minimum)s)") % {"minimum": preview.minimum})
        if preview.minimum
        else ""
    )
    return [
        PreviewSection(
            "paying",
            gettext("Payouts it pays"),
            gettext("The payouts this run pays"),
            preview.paying[:PREVIEW_ROWS],
            len(preview.paying),
            gettext("None: nothing is due."),
            "earned",
        ),
        PreviewSection(
            "held",
            gettext("Held payouts"),
            gettext(
                "Payouts on hold or waiting for the creator's payout details or tax form, "
                "with the reason"
            ),
            preview.held[:PREVIEW_ROWS],
            len(preview.held),
            gettext("None: no payout is on hold."),
            "on_hold",
        ),
        PreviewSection(
            "carried",
            gettext("Carried to a later run"),
            (
                gettext("Payouts below the minimum%(minimum)s, with the creator's due total")
                % {"minimum": minimum}
            ),
            preview.carried[:PREVIEW_ROWS],
            len(preview.carried),
            gettext("None: no payout is below the minimum."),
            "earned",
        ),
    ]


class RunPreviewView(RunMixin, View):
    """Starting a run: what it would pay, hold and carry, then the admin confirms (POST with
    the preview's fingerprint). A preview gone stale is a 409 showing the new preview."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_runner()
        fingerprint = request.POST.get("fingerprint", "")
        if not fingerprint:
            return self._render(status=400, refused=gettext("Confirm the run from its preview."))
        try:
            run = runs.run_start(
                organization=self.organization,
                actor=request.user,
                membership=self.membership,
                fingerprint=fingerprint,
            )
        except DomainError as exc:
            _refuse(exc)
            return self._render(status=exc.status_code, refused=str(exc))
        if run.state == PaymentRun.State.AWAITING_APPROVAL:
            messages.warning(
                request,
                gettext("The run is over the approval threshold: another admin must approve it."),
            )
        else:
            messages.success(request, gettext("Payment run #%(pk)s started.") % {"pk": run.pk})
        return redirect(self.url("payment_run_detail", pk=run.pk))

    def _render(self, status: int = 200, refused: str = "") -> HttpResponse:
        schedule = schedule_for(organization=self.organization)
        preview = selectors.run_preview(organization=self.organization, schedule=schedule)
        context = {
            "preview": preview,
            "schedule": schedule,
            "refused": refused,
            "open_run": runs_of(self.organization).filter(state__in=OPEN_STATES).first(),
            "needs_approval": selectors.needs_approval(schedule, preview.totals),
            "sections": preview_sections(preview),
        }
        return self.render_page("run_preview.html", context, status=status)


# The POST actions of a run page: the service, and what to say when it is done.
ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "approve": (runs.run_approve, "Run approved: it is processing."),
    "cancel": (runs.run_cancel, "Run cancelled: nothing was paid."),
    "confirm": (runs.run_confirm_export, "Export confirmed: the payouts are marked paid."),
}


def run_actions(run: PaymentRun, membership: Any, user: Any) -> dict[str, bool]:
    """Which buttons the page shows; the services decide what is allowed."""
    if not can_run_payments(membership):
        return {"approve": False, "cancel": False, "confirm": False}
    awaiting_approval = run.state == PaymentRun.State.AWAITING_APPROVAL
    awaiting_confirmation = run.state == PaymentRun.State.AWAITING_CONFIRMATION
    return {
        "approve": awaiting_approval and run.started_by_id != user.pk,
        "cancel": awaiting_approval,
        "confirm": awaiting_confirmation and run.provider == "csv_export",
    }


@dataclass(frozen=True)
class Total:
    currency: str
    amount: Decimal


def totals_of(run: PaymentRun) -> list[Total]:
    return [Total(currency, Decimal(amount)) for currency, amount in sorted(run.totals.items())]


def progress_context(run: PaymentRun) -> dict[str, Any]:
    return {"run": run, "totals": totals_of(run), "failures": selectors.run_failures(run)}


class RunDetailView(RunMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = self.run(kwargs["pk"])
        actions = run_actions(run, self.membership, request.user)
        payouts = Paginator(selectors.run_payouts(run), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **progress_context(run),
            "actions": actions,
            "payouts": payouts,
            # What approving pays now, and its fingerprint for the approve form.
            "preview": selectors.run_preview(organization=self.organization)
            if actions["approve"]
            else None,
        }
        return self.render_page("run_detail.html", context)


class RunActionView(RunMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["action"] not in ACTIONS:
            raise Http404(gettext("No such action."))
        service, done = ACTIONS[kwargs["action"]]
        self.require_runner()
        run = self.run(kwargs["pk"])
        back = self.url("payment_run_detail", pk=run.pk)
        extra = {}
        if kwargs["action"] == "approve" and request.POST.get("fingerprint"):
            extra["fingerprint"] = request.POST["fingerprint"]
        try:
            service(run=run, actor=request.user, membership=self.membership, **extra)
        except DomainError as exc:
            # An admin's refusal (their own run to approve, a run that moved on) is shown.
            return refuse_back(request, exc, back)
        messages.success(request, done)
        return redirect(back)


class RunProgressView(RunMixin, View):
    """The progress fragment. It polls itself while the run processes; once the run leaves
    processing, a polling request reloads the page so its actions and totals follow."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = self.run(kwargs["pk"])
        response = self.render_page("_run_progress.html", progress_context(run))
        if request.GET.get("polling") and run.state != PaymentRun.State.PROCESSING:
            response["HX-Refresh"] = "true"
        return response


@dataclass(frozen=True)
class PayoutRow:
    id: int
    creator: str
    program: str
    reason: str
    amount: Decimal
    currency: str
    state: str
    idempotency_key: str
    paid_at: datetime | None
    failure_reason: str


def payout_rows(run: PaymentRun) -> Iterator[PayoutRow]:
    """Every payout of the run, in one query however many there are."""
    found = (
        Payout.objects.filter(organization_id=run.organization_id, run=run)
        .annotate(
            creator_name=F("creator__display_name"), program_name=F("enrollment__program__name")
        )
        .order_by("id")
        .values_list(
            "id",
            "creator_name",
            "program_name",
            "reason",
            "amount",
            "currency",
            "state",
            "idempotency_key",
            "paid_at",
            "failure_reason",
        )
    )
    reasons, states = dict(PayoutReason.choices), dict(PayoutState.choices)
    for pk, creator, program, reason, amount, currency, state, key, paid_at, failure in found:
        yield PayoutRow(
            pk,
            creator,
            program,
            str(reasons.get(reason, reason)),
            amount,
            currency,
            str(states.get(state, state)),
            key or "",
            paid_at,
            failure,
        )


class RunCsvView(RunMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = self.run(kwargs["pk"])
        return csv_response(payout_rows(run), PAYOUT_COLUMNS, f"payment-run-{run.pk}-payouts.csv")


class RunExportView(RunMixin, View):
    """The file the bank / payroll export provider wrote, its formula cells neutralised. It
    holds full account numbers for the accountant, so only admins download it."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_runner()
        run = self.run(kwargs["pk"])
        if not run.export_file:
            raise Http404(gettext("This run wrote no export file."))
        # A file stored before the shared CSV writer may hold formula cells (a file it wrote
        # comes back unchanged).
        return csv_download(neutralise_csv(run.export_file), f"payment-run-{run.pk}-export.csv")


class ScheduleView(RunMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        schedule = schedule_for(organization=self.organization)
        return self._render(schedule, ScheduleForm.for_schedule(schedule))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_runner()
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                schedule_update(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except ScheduleInvalid as exc:
                form_add_domain_error(form, exc)  # each message on its field
            else:
                messages.success(request, gettext("Payment schedule saved."))
                return redirect(self.url("payment_schedule"))
        return self._render(schedule_for(organization=self.organization), form, status=400)

    def _render(self, schedule: Any, form: ScheduleForm, status: int = 200) -> HttpResponse:
        context = {
            "schedule": schedule,
            "form": form,
            "weekday": dict(WEEKDAYS).get(schedule.weekday, ""),
        }
        return self.render_page("schedule.html", context, status=status)

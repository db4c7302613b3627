"""The payout list as a table: its columns (shared by the page and the CSV), its search and
filters (see ``influencer_ops.tables`` for the common rules)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.tables import ListTable, sort_by, time_cell
from influencer_ops.templatetags.formatting import money
from payments.models import Payout, PayoutReason, PayoutState
from payments.payouts import selectors


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number (``?creator=1.5`` is a 400, not a database error)."""

    field_class = forms.IntegerField


class PayoutFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("creator"):
            # The picked creator's name, left in the search field: the id decides (one chip).
            data.pop("creator_name", None)
        return data


class PayoutFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    state = django_filters.ChoiceFilter(
        choices=PayoutState.choices, empty_label=_("Any state"), label=_("State")
    )
    reason = django_filters.ChoiceFilter(
        choices=PayoutReason.choices, empty_label=_("Any reason"), label=_("Reason")
    )
    program = django_filters.ChoiceFilter(
        field_name="enrollment__program_id", empty_label=_("Any program"), label=_("Program")
    )
    # Picked from the creator field's suggestions (an id); the field itself searches by name
    # or e-mail, so the filter works without JS too. No dropdown of every creator (#18).
    creator = IdFilter(
        field_name="creator_id", label=_("Creator"), widget=forms.HiddenInput, min_value=1
    )
    creator_name = django_filters.CharFilter(
        label=_("Creator"), method="by_creator_name", max_length=100
    )
    delayed = django_filters.ChoiceFilter(
        choices=[("yes", "Delayed only")],
        empty_label=_("Delayed or not"),
        label=_("Delay"),
        method="only_delayed",
    )

    class Meta:
        model = Payout
        fields: list[str] = []
        form = PayoutFilterForm

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["program"].extra["choices"] = selectors.program_choices(
            organization=organization
        )
        self._creator_field(organization)
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].help_text = gettext(
            "Creator name or e-mail, program, or a payout or run number"
        )

    def _creator_field(self, organization: Any) -> None:
        """The creator field: a search box whose suggestions (htmx) pick one creator."""
        field = self.form.fields["creator_name"]
        field.widget.input_type = "search"
        field.help_text = gettext("Type part of a name or e-mail, then pick a creator below")
        field.widget.attrs.update(
            {
                "autocomplete": "off",
                "aria-controls": "creator-picks",
                "hx-get": reverse("payout_creator_search", args=[organization.slug]),
                "hx-trigger": "input changed delay:250ms, search",
                "hx-target": "#creator-picks",
                "hx-include": "closest form",
                "hx-sync": "this:replace",
                # Not the form's (inherited): it swaps the results and pushes the address.
                "hx-select": "unset",
                "hx-swap": "innerHTML",
                "hx-push-url": "false",
            }
        )
        picked = self.data.get("creator", "")
        if picked.isascii() and picked.isdigit() and len(picked) < 19:
            name = selectors.creator_name(organization=organization, creator_id=int(picked))
            # Shown on the filter's chip instead of the id.
            self.form.fields["creator"].choices = [(picked, name or picked)]

    def by_creator_name(
        self, queryset: QuerySet[Payout], name: str, value: str
    ) -> QuerySet[Payout]:
        return selectors.payouts_by_creator_name(payouts=queryset, text=value)

    def only_delayed(self, queryset: QuerySet[Payout], name: str, value: str) -> QuerySet[Payout]:
        """Payouts the delay sweep flagged (past their expected date when still owed)."""
        return queryset.filter(delayed_at__isnull=False) if value == "yes" else queryset

    def search(self, queryset: QuerySet[Payout], name: str, value: str) -> QuerySet[Payout]:
        return selectors.payouts_search(payouts=queryset, text=value)


class SelectColumn(tables.Column):
    """A checkbox per row for the bulk actions; its form is the bulk form above the table."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            accessor="pk",
            verbose_name=gettext("Select"),
            exclude_from_export=True,
            empty_values=(),
            **kwargs,
        )

    def render(self, record: Payout) -> str:
        return format_html(
            '<input type="checkbox" name="payout" value="{}" form="bulk-form" '
            'aria-label="Select payout #{}">',
            record.pk,
            record.pk,
        )


class PayoutTable(ListTable):
    row_header = "amount"

    select = SelectColumn()
    id = tables.Column(verbose_name=_("Payout"), orderable=True, order_by=("id",))
    amount = tables.Column(orderable=True, order_by=sort_by("amount"))
    currency = tables.Column(orderable=True, order_by=sort_by("currency"))
    creator = tables.Column(
        accessor="creator__display_name",
        verbose_name=_("Creator"),
        orderable=True,
        order_by=sort_by("creator__display_name"),
    )
    program = tables.Column(
        accessor="enrollment__program__name",
        verbose_name=_("Program"),
        orderable=True,
        order_by=sort_by("enrollment__program__name"),
    )
    reason = tables.Column(orderable=True, order_by=sort_by("reason"))
    state = tables.Column(orderable=True, order_by=sort_by("state"))
    earned_at = tables.Column(
        verbose_name=_("Earned"), orderable=True, order_by=sort_by("earned_at")
    )
    expected_on = tables.Column(
        verbose_name=_("Expected"), orderable=True, order_by=sort_by("expected_on")
    )
    paid_at = tables.Column(verbose_name=_("Paid"), orderable=True, order_by=sort_by("paid_at"))
    run = tables.Column(
        accessor="run_id", verbose_name=_("Run"), orderable=True, order_by=sort_by("run_id")
    )

    class Meta:
        sequence = (
            "select",
            "amount",
            "currency",
            "creator",
            "program",
            "reason",
            "state",
            "earned_at",
            "expected_on",
            "paid_at",
            "run",
            "id",
        )

    def __init__(self, *args: Any, org_slug: str, can_manage: bool, **kwargs: Any) -> None:
        super().__init__(*args, exclude=() if can_manage else ("select",), **kwargs)
        self.org_slug = org_slug

    def render_amount(self, record: Payout) -> str:
        url = reverse("payout_detail", kwargs={"org_slug": self.org_slug, "pk": record.pk})
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> payout #{}</span></a>',
            url,
            money(record.amount, record.currency),
            record.pk,
        )

    def render_program(self, record: Payout, value: str) -> str:
        url = reverse(
            "enrollment_detail", kwargs={"org_slug": self.org_slug, "pk": record.enrollment_id}
        )
        return format_html('<a href="{}">{}</a>', url, value)

    def render_state(self, record: Payout) -> str:
        delayed = (
            mark_safe(' <span class="badge badge-overdue">Delayed</span>')
            if record.delayed_at
            else ""
        )
        return format_html(
            '<span class="badge badge-{}">{}</span>{}',
            record.state,
            record.get_state_display(),
            delayed,
        )

    def render_earned_at(self, value: Any) -> str:
        return time_cell(value)

    def render_expected_on(self, value: Any) -> str:
        return time_cell(value)

    def render_paid_at(self, value: Any) -> str:
        return time_cell(value)

    def render_run(self, value: int) -> str:
        return f"#{value}"

    def render_id(self, value: int) -> str:
        return f"#{value}"

    # The CSV: raw values (numbers stay numbers, dates ISO) instead of the page's HTML.
    def value_amount(self, record: Payout) -> Any:
        return record.amount

    def value_program(self, value: str) -> str:
        return value

    def value_state(self, record: Payout) -> str:
        return str(record.get_state_display())

    def value_earned_at(self, value: Any) -> Any:
        return value

    def value_expected_on(self, value: Any) -> Any:
        return value

    def value_paid_at(self, value: Any) -> Any:
        return value

    def value_run(self, value: int) -> int:
        return value

    def value_id(self, value: int) -> int:
        return value

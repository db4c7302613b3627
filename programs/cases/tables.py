"""The compliance case list as a table: columns shared by the page and the CSV, the search box
and filters (see ``influencer_ops.tables`` for the common rules)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.tables import ListTable, sort_by, time_cell
from programs.models import ComplianceCase

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    state = django_filters.ChoiceFilter(
        choices=ComplianceCase.State.choices, empty_label=_("Any state")
    )
    severity = django_filters.ChoiceFilter(
        choices=ComplianceCase.Severity.choices, empty_label=_("Any severity")
    )
    kind = django_filters.ChoiceFilter(
        choices=ComplianceCase.Kind.choices, empty_label=_("Any kind"), label=_("Kind")
    )

    class Meta:
        model = ComplianceCase
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].help_text = gettext("Creator, program or brand")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(enrollment__creator__display_name__icontains=text)
            | Q(enrollment__program__name__icontains=text)
            | Q(enrollment__program__brand__name__icontains=text)
        )


class CaseTable(ListTable):
    row_header = "kind"

    kind = tables.Column(verbose_name=_("Case"), orderable=True, order_by=sort_by("kind"))
    creator = tables.Column(
        accessor="enrollment__creator__display_name",
        verbose_name=_("Creator"),
        orderable=True,
        order_by=sort_by("enrollment__creator__display_name"),
    )
    program = tables.Column(
        accessor="enrollment__program__name",
        verbose_name=_("Program"),
        orderable=True,
        order_by=sort_by("enrollment__program__name"),
    )
    brand = tables.Column(
        accessor="enrollment__program__brand__name",
        verbose_name=_("Brand"),
        orderable=True,
        order_by=sort_by("enrollment__program__brand__name"),
    )
    severity = tables.Column(orderable=True)
    state = tables.Column(orderable=True, order_by=sort_by("state"))
    created_at = tables.Column(
        verbose_name=_("Opened"), orderable=True, order_by=sort_by("created_at")
    )
    opened_by = tables.Column(verbose_name=_("Opened by"), empty_values=())

    def __init__(self, *args: Any, org_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org_slug = org_slug

    def order_severity(
        self, queryset: QuerySet[Any], is_descending: bool
    ) -> tuple[QuerySet[Any], bool]:
        """Low, medium, high (not the alphabet), then the id."""
        rank = Case(
            *(When(severity=code, then=Value(n)) for code, n in SEVERITY_RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
        prefix = "-" if is_descending else ""
        ordered = queryset.annotate(severity_rank=rank).order_by(
            f"{prefix}severity_rank", f"{prefix}id"
        )
        return ordered, True

    def render_kind(self, record: ComplianceCase) -> str:
        url = reverse("case_detail", kwargs={"org_slug": self.org_slug, "pk": record.pk})
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> case #{}</span></a>',
            url,
            record.get_kind_display(),
            record.pk,
        )

    def render_state(self, record: ComplianceCase) -> str:
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.state, record.get_state_display()
        )

    def render_created_at(self, value: Any) -> str:
        return time_cell(value)

    def render_opened_by(self, record: ComplianceCase) -> str:
        return record.opened_by.display_name

    # The CSV: plain values.
    def value_kind(self, record: ComplianceCase) -> str:
        return str(record.get_kind_display())

    def value_state(self, record: ComplianceCase) -> str:
        return str(record.get_state_display())

    def value_created_at(self, value: Any) -> Any:
        return value

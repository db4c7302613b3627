"""The program list as a table: columns shared by the page and the CSV, the search box and
filters (see ``influencer_ops.tables`` for the common rules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.tables import ListTable, sort_by, time_cell
from organizations.models import Brand
from programs.models import Program
from programs.states import ProgramState


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="name", lookup_expr="icontains", max_length=100
    )
    state = django_filters.ChoiceFilter(choices=ProgramState.choices, empty_label=_("Any state"))
    brand = django_filters.ChoiceFilter(field_name="brand_id", empty_label=_("Any brand"))

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, *args: Any, brands: Iterable[Brand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = sorted(brands, key=lambda brand: (brand.name, brand.pk))
        self.filters["brand"].extra["choices"] = [(b.pk, b.name) for b in ordered]
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].help_text = gettext("Part of the program's name")


def _person(user: Any) -> str:
    return user.display_name if user else "—"


class ProgramTable(ListTable):
    row_header = "name"

    name = tables.Column(verbose_name=_("Program"), orderable=True, order_by=sort_by("name"))
    brand = tables.Column(
        accessor="brand__name",
        verbose_name=_("Brand"),
        orderable=True,
        order_by=sort_by("brand__name"),
    )
    state = tables.Column(orderable=True, order_by=sort_by("state"))
    launch_on = tables.Column(
        verbose_name=_("Launch"), orderable=True, order_by=sort_by("launch_on")
    )
    end_on = tables.Column(verbose_name=_("End"), orderable=True, order_by=sort_by("end_on"))
    roster_size = tables.Column(
        verbose_name=_("Confirmed creators"), orderable=True, order_by=sort_by("roster_size")
    )
    capacity = tables.Column(verbose_name=_("Places"), orderable=True, order_by=sort_by("capacity"))
    ism = tables.Column(
        accessor="assigned_ism",
        verbose_name=_("ISM"),
        orderable=True,
        order_by=sort_by("assigned_ism__name", "assigned_ism__email"),
        empty_values=(),
    )
    bsm = tables.Column(
        accessor="assigned_bsm",
        verbose_name=_("BSM"),
        orderable=True,
        order_by=sort_by("assigned_bsm__name", "assigned_bsm__email"),
        empty_values=(),
    )

    def __init__(self, *args: Any, org_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org_slug = org_slug

    def render_name(self, record: Program, value: str) -> str:
        url = reverse("program_detail", kwargs={"org_slug": self.org_slug, "pk": record.pk})
        return format_html('<a href="{}">{}</a>', url, value)

    def render_state(self, record: Program) -> str:
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.state, record.get_state_display()
        )

    def render_launch_on(self, value: Any) -> str:
        return time_cell(value)

    def render_end_on(self, value: Any) -> str:
        return self.render_launch_on(value)

    def render_ism(self, value: Any) -> str:
        return _person(value)

    def render_bsm(self, value: Any) -> str:
        return _person(value)

    # The CSV: plain values.
    def value_name(self, value: str) -> str:
        return value

    def value_state(self, record: Program) -> str:
        return str(record.get_state_display())

    def value_launch_on(self, value: Any) -> Any:
        return value

    def value_end_on(self, value: Any) -> Any:
        return value

    def value_ism(self, value: Any) -> str:
        return _person(value) if value else ""

    def value_bsm(self, value: Any) -> str:
        return _person(value) if value else ""

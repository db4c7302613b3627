"""The creator list (the desk's roster) as a table: columns shared by the page and the CSV,
the search box and filters (see ``influencer_ops.tables`` for the common rules)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.choices import Category, Platform
from influencer_ops.tables import ListTable, sort_by
from influencer_ops.templatetags.formatting import number
from influencers import selectors
from influencers.models import CreatorProfile


class CreatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), max_length=100)
    category = django_filters.ChoiceFilter(choices=Category.choices, empty_label=_("Any category"))
    platform = django_filters.ChoiceFilter(choices=Platform.choices, empty_label=_("Any platform"))

    class Meta:
        model = CreatorProfile
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].help_text = gettext("Name, e-mail or handle")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # One selector applies all three, the same one the API's list uses.
        data = self.form.cleaned_data
        return selectors.creators_filtered(
            queryset,
            search=data.get("q") or "",
            category=data.get("category") or "",
            platform=data.get("platform") or "",
        )


class CreatorTable(ListTable):
    row_header = "display_name"

    display_name = tables.Column(
        verbose_name=_("Name"), orderable=True, order_by=sort_by("display_name")
    )
    email = tables.Column(verbose_name=_("E-mail"), orderable=True, order_by=sort_by("email"))
    categories = tables.Column(verbose_name=_("Categories"), empty_values=())
    handles = tables.Column(verbose_name=_("Handles"), accessor="pk", empty_values=())
    max_audience = tables.Column(
        verbose_name=_("Largest audience"), orderable=True, order_by=sort_by("max_audience")
    )
    click_milestone = tables.Column(
        verbose_name=_("Click milestone"), orderable=True, order_by=sort_by("click_milestone")
    )
    portal = tables.Column(verbose_name=_("Portal"), accessor="user_id", empty_values=())

    def __init__(self, *args: Any, org_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org_slug = org_slug

    def render_display_name(self, record: CreatorProfile, value: str) -> str:
        url = reverse("creator_detail", kwargs={"org_slug": self.org_slug, "pk": record.pk})
        return format_html('<a href="{}">{}</a>', url, value)

    def render_max_audience(self, value: int) -> str:
        return number(value)

    def render_click_milestone(self, value: int) -> str:
        return number(value)

    # The CSV keeps plain numbers.
    def value_max_audience(self, value: int) -> int:
        return value

    def value_click_milestone(self, value: int) -> int:
        return value

    def render_categories(self, value: list[str]) -> str:
        return _categories(value) or "—"

    def render_handles(self, record: CreatorProfile) -> str:
        handles = record.handles.all()
        if not handles:
            return "—"
        return format_html_join(
            mark_safe("<br>"), "{} @{}", ((h.get_platform_display(), h.handle) for h in handles)
        )

    def render_portal(self, value: int | None) -> str:
        if value:
            return mark_safe('<span class="badge badge-accepted">Linked</span>')
        return mark_safe('<span class="muted">Not linked</span>')

    # The CSV: plain values.
    def value_display_name(self, value: str) -> str:
        return value

    def value_categories(self, value: list[str]) -> str:
        return _categories(value)

    def value_handles(self, record: CreatorProfile) -> str:
        return " ".join(f"{h.get_platform_display()} @{h.handle}" for h in record.handles.all())

    def value_portal(self, value: int | None) -> str:
        return "Linked" if value else gettext("Not linked")


def _categories(values: list[str]) -> str:
    labels = dict(Category.choices)
    return ", ".join(str(labels.get(value, value)) for value in values)

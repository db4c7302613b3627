"""The org's list pages as tables: django-tables2 for the columns, sorting and pagination,
django-filter for the search box and filters, ``csv_export`` for the download.

One way for every list (payouts, creators, programs, cases):

- the view passes a queryset from its selector (org-scoped) and a ``FilterSet`` over it;
- a filter value that is not one of the choices (``?state=nope``) is a 400 showing the form's
  error, never a silently unfiltered list;
- ``?sort=<column>`` / ``?sort=-<column>`` sorts on the server by a column the table marks
  orderable (anything else is ignored, as django-tables2 does); every sort ends with the id, so
  rows that tie keep one order across pages;
- pages hold ``PAGE_SIZE`` rows; ``?per_page=`` is not honoured (no 10,000-row page);
- ``?format=csv`` downloads every filtered row (in the chosen order) through the one CSV
  writer, with the same columns as the page (a column may leave the export, e.g. checkboxes).

Templates include ``tables/_table.html`` (sortable headers with ``aria-sort``, a ``data-label``
on each cell so phones can show each row as a card, and the pagination) and
``tables/_filters.html`` (htmx: applied on change, with an "Apply" button without JS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import django_tables2 as tables
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from influencer_ops.csv_export import csv_download, csv_text

PAGE_SIZE = 50
CSV_FORMAT = "csv"


def time_cell(value: Any) -> str:
    """A day, or a moment shown as the viewer's day, in a ``<time>`` element that never wraps."""
    from django.utils.html import format_html

    from influencer_ops.templatetags.formatting import day

    return format_html(
        '<time class="nowrap" datetime="{}">{}</time>', value.isoformat(), day(value)
    )


def sort_by(*fields: str) -> tuple[str, ...]:
    """A column's ``order_by``: its fields, then the id, so ties never reorder between pages."""
    return (*fields, "id")


class ListTable(tables.Table):
    """The base of the list tables: ``row_header`` names the column shown as the row's
    ``<th scope="row">`` (what the row is about); ``caption`` describes the table."""

    row_header: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing sorts unless its column says orderable=True (with a sort_by(...) order_by):
        # set here, as a subclass without its own Meta would not inherit one.
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class Chip:
    """One applied filter, shown above the table with a link that removes it."""

    label: str
    value: str
    remove_query: str  # the query string without this filter (and the page)


@dataclass
class TableView:
    """What a list template needs: the filter form, the table (one page) and whether any
    filter is applied."""

    filterset: Any
    table: ListTable
    filtered: bool
    rows: QuerySet[Any]  # every filtered row (for totals), not only this page
    chips: list[Chip]

    @property
    def page(self) -> Any:
        return self.table.page


def build_table(
    request: HttpRequest,
    *,
    table_class: type[ListTable],
    filterset: Any,
    **table_kwargs: Any,
) -> TableView:
    """The filtered, sorted table of ``filterset`` (one page). Bind the filterset to
    ``request.GET`` even when it is empty (django-filter calls an unbound one invalid). An
    invalid filter gives an empty table: the caller answers 400 (see ``bad_filter``)."""
    queryset: QuerySet[Any] = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = table_class(queryset, **table_kwargs)
    _sort(request, table)
    page = request.GET.get(table.prefixed_page_field, "1")
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 10 else 1
    try:
        table.paginate(per_page=PAGE_SIZE, page=number)
    except (EmptyPage, PageNotAnInteger):
        table.paginate(per_page=PAGE_SIZE, page=table.paginator.num_pages)
    chips = _chips(request, filterset.form)
    return TableView(
        filterset=filterset, table=table, filtered=bool(chips), rows=queryset, chips=chips
    )


def bad_filter(view: TableView) -> bool:
    """True when a filter value was refused (the page is then answered with a 400)."""
    return not view.filterset.is_valid()


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == CSV_FORMAT


def table_csv(
    request: HttpRequest,
    *,
    table_class: type[ListTable],
    filterset: Any,
    filename: str,
    **table_kwargs: Any,
) -> HttpResponse:
    """Every row the filter keeps, in the chosen order, as a CSV download (the caller has
    checked that the filter is valid)."""
    table = table_class(filterset.qs, **table_kwargs)
    _sort(request, table)
    rows = list(table.as_values())
    return csv_download(csv_text(rows[0], rows[1:]), filename)


def _chips(request: HttpRequest, form: Any) -> list[Chip]:
    chips = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in ("", None, []):
            continue
        field = form.fields[name]
        choices = {str(key): text for key, text in getattr(field, "choices", ())}
        shown = choices.get(str(value), value)
        query = request.GET.copy()
        for key in (name, "page", "format"):
            query.pop(key, None)
        chips.append(Chip(str(field.label), str(shown), query.urlencode()))
    return chips


def _sort(request: HttpRequest, table: ListTable) -> None:
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by  # unknown or unsortable columns are dropped by django-tables2

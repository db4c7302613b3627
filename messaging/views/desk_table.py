"""The desk's lists as tables: the sortable headers (``aria-sort`` on the current order, as
``tables/_table.html`` does) and the CSV of one list as filtered and sorted, through the one
CSV writer."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy

from influencer_ops.csv_export import csv_download, csv_text

# The desk's columns in the order shown: (sort key, header).
DESK_COLUMNS = (
    ("title", gettext_lazy("Task")),
    ("kind", gettext_lazy("Kind")),
    ("program", gettext_lazy("Program")),
    ("owner", gettext_lazy("Owner")),
    ("due", gettext_lazy("Due")),
    ("state", gettext_lazy("State")),
)
DESK_LISTS = ("mine", "queue")


def sort_headers(sort: str) -> list[dict[str, Any]]:
    """Each sortable header: its label, ``aria-sort`` when it is the order, and the sort its
    link asks for (ascending first, then descending)."""
    headers = []
    for key, label in DESK_COLUMNS:
        aria = ""
        if sort.lstrip("-") == key:
            aria = "descending" if sort.startswith("-") else "ascending"
        following = f"-{key}" if aria == "ascending" else key
        headers.append({"key": key, "label": label, "aria": aria, "next": following})
    return headers


def desk_csv(rows: Any, which: str) -> HttpResponse:
    """Every task of one desk list the filters keep, in the chosen order (due times in UTC)."""
    headers = [
        gettext("ID"),
        gettext("Task"),
        gettext("Kind"),
        gettext("Program"),
        gettext("Owner"),
        gettext("Assignee"),
        gettext("Due (UTC)"),
        gettext("State"),
    ]
    lines = (
        [
            task.pk,
            task.title,
            task.get_kind_display(),
            task.program.name if task.program else "",
            task.get_owner_role_display(),
            task.assignee.display_name if task.assignee else "",
            task.due_at,
            task.get_state_display(),
        ]
        for task in rows
    )
    return csv_download(csv_text(headers, lines), f"desk-{which}.csv")

"""Forms of the metrics import page: the file (or pasted text) and the deliverable-id lookup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from influencer_ops.csv_import import CsvImportForm
from programs.models import Program

MetricsImportForm = CsvImportForm


class DeliverableLookupForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label=_("Program"),
        empty_label=_("Choose a program"),
        help_text=_("Lists the program's deliverables with the ids the file needs."),
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs

"""Forms of the metrics import page: the file (or pasted text) and the deliverable-id lookup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from programs.models import Program

from .metrics import MAX_IMPORT_BYTES


class MetricsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    text = forms.CharField(
        label="…or paste the CSV here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError("Import at most 5 MB at a time.")
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError("Save the file as UTF-8 CSV and try again.") from exc
        elif (data.get("text") or "").strip():
            data["csv_text"] = data["text"]
        else:
            raise forms.ValidationError("Choose a CSV file or paste its contents.")
        return data


class DeliverableLookupForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        label="Program",
        empty_label="Choose a program",
        help_text="Lists the program's deliverables with the ids the file needs.",
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programs

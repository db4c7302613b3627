"""The creator's hours form. It parses; the rules (more than 0, 24 a day, not in the future)
live in ``programs.hours.services`` so the page and the API refuse alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import SHORT_TEXT_MAX_LENGTH
from programs.models import Deliverable


class DateInput(forms.DateInput):
    input_type = "date"


class DeliverableChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class TimeEntryForm(forms.Form):
    worked_on = forms.DateField(label=_("Day"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        help_text=_("More than 0; at most 24 in a day across all you log."),
    )
    description = forms.CharField(
        label=_("What it was for"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text=_("Filming, editing, a shoot, a call with the team…"),
    )
    deliverable = DeliverableChoice(
        queryset=Deliverable.objects.none(),
        required=False,
        label=_("Deliverable (optional)"),
        empty_label=_("The program in general"),
    )

    def __init__(self, *args: Any, deliverables: QuerySet[Deliverable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = deliverables  # type: ignore[attr-defined]

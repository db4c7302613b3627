"""Forms of the deadline pages: the creator's extension request, the BSM's decision and the
bulk due-date change. They parse; the rules live in ``programs.deadlines.services``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import EXTENSION_TEXT_MAX_LENGTH


class DateInput(forms.DateInput):
    input_type = "date"


class ExtensionRequestForm(forms.Form):
    requested_due_on = forms.DateField(label=_("New due date"), widget=DateInput)
    reason = forms.CharField(
        max_length=EXTENSION_TEXT_MAX_LENGTH,
        label=_("Why do you need more time?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your brand success manager reads this. Asking is never held against you."),
    )


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(
        max_length=EXTENSION_TEXT_MAX_LENGTH,
        required=False,
        label=_("Note to the creator"),
        help_text=_("Required when you do not grant the extension."),
    )


class DueDatesShiftForm(forms.Form):
    days = forms.IntegerField(
        required=False,
        min_value=-365,
        max_value=365,
        label=_("Move by days"),
        help_text=_("For example 7 (a week later) or -2 (two days earlier)."),
    )
    new_due_on = forms.DateField(required=False, label=_("Or set a new due date"), widget=DateInput)
    deliverables = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label=_("Deliverables"),
        help_text=_("None ticked: every open deliverable of the program."),
    )

    def __init__(self, *args: Any, deliverable_ids: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deliverables"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, str(pk)) for pk in deliverable_ids]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("days") is None) == (data.get("new_due_on") is None):
            raise forms.ValidationError(gettext("Give either a number of days or a new due date."))
        return data

"""The portal's forms for what a creator won't promote."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops import validation
from influencer_ops.choices import Category
from influencers.models import ExclusionKind


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(choices=ExclusionKind.choices, label=_("What kind"))
    category = forms.ChoiceField(
        choices=[("", "—"), *Category.choices],
        required=False,
        label=_("Category"),
        help_text=_("For a category: the same categories programs use."),
    )
    value = forms.CharField(
        max_length=validation.EXCLUSION_VALUE_MAX_LENGTH,
        required=False,
        label=_("Brand, product or topic"),
        help_text=_('In your words, e.g. "alcohol", "fast fashion", "Acme Energy".'),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ExclusionKind.CATEGORY:
            if not data.get("category"):
                self.add_error("category", gettext("Choose the category."))
            data["value"] = data.get("category", "")
        elif kind and not (data.get("value") or "").strip():
            self.add_error("value", gettext("Say what you won't promote."))
        return data

    def service_arguments(self) -> dict[str, str]:
        return {"kind": self.cleaned_data["kind"], "value": self.cleaned_data["value"]}


class ValuesForm(forms.Form):
    statement = forms.CharField(
        max_length=validation.VALUES_STATEMENT_MAX_LENGTH,
        required=False,
        label=_("Your values statement"),
        help_text=_("Optional. Every organization you work with sees it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

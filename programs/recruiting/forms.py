from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms


class AcceptForm(forms.Form):
    terms_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    accept_terms = forms.BooleanField(label="I accept these terms", required=True)

    def __init__(self, *args: Any, nda_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nda_required:
            self.fields["accept_nda"] = forms.BooleanField(
                label="I accept the non-disclosure agreement (NDA)", required=True
            )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=500, label="Why are you declining?", widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason (the creator sees it)")


class AmendForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason for the change (the creator sees it)")
    fee = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2, label="Flat fee"
    )
    per_click_rate = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=4,
        label="Pay per valid click",
    )
    click_milestone = forms.IntegerField(required=False, min_value=1, label="Click milestone")
    milestone_bonus = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        label="Milestone bonus",
    )

    def changes(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key != "reason" and value is not None
        }

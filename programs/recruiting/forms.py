"""Recruiting forms: the creator's answer and the team's withdrawals and amendments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import AMOUNT_DIGITS, RATE_DIGITS, REASON_MAX_LENGTH


class AcceptForm(forms.Form):
    terms_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    accept_terms = forms.BooleanField(label=_("I accept these terms"), required=True)

    def __init__(self, *args: Any, nda_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nda_required:
            self.fields["accept_nda"] = forms.BooleanField(
                label=gettext("I accept the non-disclosure agreement (NDA)"), required=True
            )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label=_("Why are you declining?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, label=_("Reason (the creator sees it)"))


class AmendForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH, label=_("Reason for the change (the creator sees it)")
    )
    fee = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        label=_("Flat fee"),
    )
    per_click_rate = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=RATE_DIGITS[0],
        decimal_places=RATE_DIGITS[1],
        label=_("Pay per valid click"),
    )
    click_milestone = forms.IntegerField(required=False, min_value=1, label=_("Click milestone"))
    milestone_bonus = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        label=_("Milestone bonus"),
    )
    commission_percent = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        label=_("Commission (% of net order value)"),
    )
    commission_fixed = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        label=_("Commission per order"),
    )

    def changes(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key != "reason" and value is not None
        }

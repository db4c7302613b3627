"""Forms of the payout pages: the list filter and the staff actions on one payout."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from influencer_ops.validation import PAYMENT_TEXT_MAX_LENGTH
from payments.models import PayoutState
from payments.payouts.selectors import PayoutFilters

REASON_MAX = PAYMENT_TEXT_MAX_LENGTH


def _choices(field: forms.Field, choices: list[Any]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class PayoutFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *PayoutState.choices], required=False)
    program = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    creator = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(
        self,
        *args: Any,
        programs: list[tuple[int, str]],
        creators: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["program"], [("", "Any program"), *programs])
        _choices(self.fields["creator"], [("", "Any creator"), *creators])

    def to_filters(self) -> PayoutFilters:
        if not self.is_valid():
            return PayoutFilters()
        data = self.cleaned_data
        return PayoutFilters(
            state=data["state"], program_id=data["program"], creator_id=data["creator"]
        )


class PayoutAdjustForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    explanation = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        help_text="What the creator reads next to the amount.",
    )


class PayoutReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX, help_text="The creator reads this.", widget=forms.TextInput
    )

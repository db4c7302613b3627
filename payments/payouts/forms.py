"""Forms of the payout pages: the bulk action on the list and the staff actions on one payout."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import PAYMENT_TEXT_MAX_LENGTH

REASON_MAX = PAYMENT_TEXT_MAX_LENGTH


class PayoutIdsField(forms.Field):
    """The ids of the rows ticked in the list (``payout=3&payout=5``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Choose payouts from the list."}

    def to_python(self, value: Any) -> list[int]:
        values = value or []
        if not all(str(v).isdigit() and len(str(v)) < 10 for v in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(v) for v in values})


class PayoutBulkForm(forms.Form):
    """One action on the payouts ticked in the list; a hold needs the reason creators read."""

    action = forms.ChoiceField(
        label=_("Action"), choices=[("hold", "Put on hold"), ("release", "Release from hold")]
    )
    reason = forms.CharField(
        label=_("Reason for a hold"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("Each creator reads this."),
    )
    payout = PayoutIdsField(
        label=_("Payouts"), error_messages={"required": _("Tick at least one payout.")}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "hold" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", gettext("Say why the payouts are on hold: each creator reads it.")
            )
        return data


class PayoutAdjustForm(forms.Form):
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    explanation = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        help_text=_("What the creator reads next to the amount."),
    )


class PayoutReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX, help_text=_("The creator reads this."), widget=forms.TextInput
    )

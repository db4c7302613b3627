"""Forms of the order pages: the settings, the CSV import and a discount code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commerce.models import DISCOUNT_CODE_MAX_LENGTH
from influencer_ops.csv_import import CsvImportForm


class OrderSettingsForm(forms.Form):
    clawback_commissions = forms.BooleanField(
        label=_("Claw back commission refunded after it was paid"),
        required=False,
        help_text=_(
            "Off: a refund after payment leaves the creator's commission as it is. On: it is "
            "taken off the creator's next commission payout (never below zero)."
        ),
    )


class OrdersImportForm(CsvImportForm):
    pass


class DiscountCodeForm(forms.Form):
    code = forms.CharField(
        label=_("New discount code"),
        max_length=DISCOUNT_CODE_MAX_LENGTH,
        help_text=_("Letters, digits, dashes or underscores; unique in the organization."),
    )

"""Forms of the readiness pages: payout details and tax forms (portal), rejecting a form (staff).

The services validate again and have the last word; their errors land on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import (
    ACCOUNT_IDENTIFIER_LENGTH,
    ACCOUNT_NAME_MAX_LENGTH,
    PAYMENT_TEXT_MAX_LENGTH,
    TAX_FORM_REFERENCE_MAX_LENGTH,
)
from payments.models import PayoutDetails, TaxForm


class PayoutDetailsForm(forms.Form):
    method = forms.ChoiceField(label=_("How you are paid"), choices=PayoutDetails.Method.choices)
    account_name = forms.CharField(
        label=_("Name on the account"), max_length=ACCOUNT_NAME_MAX_LENGTH
    )
    account_identifier = forms.CharField(
        label=_("IBAN, account number or PayPal e-mail"),
        min_length=ACCOUNT_IDENTIFIER_LENGTH[0],
        max_length=ACCOUNT_IDENTIFIER_LENGTH[1],
        help_text=_("For PayPal, the e-mail address of the account. Shown masked once saved."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class TaxFormForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of form"), choices=TaxForm.Kind.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=TAX_FORM_REFERENCE_MAX_LENGTH,
        help_text=_("The form's reference, e.g. the last digits of your tax id."),
    )


class TaxFormRejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is rejected (the creator reads this)"),
        max_length=PAYMENT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from influencer_ops.validation import API_TOKEN_NAME_MAX_LENGTH

EXPIRY_CHOICES = [
    (7, _("In 7 days")),
    (30, _("In 30 days")),
    (90, _("In 90 days")),
    (365, _("In a year")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=API_TOKEN_NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. “Spreadsheet sync”."),
    )
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_in_days = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, initial=90, label=_("Expires")
    )

    def __init__(self, *args: Any, organizations: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:  # staff: the token is for one of their orgs
            self.fields["organization"] = forms.ChoiceField(
                choices=[(o.slug, o.name) for o in organizations],
                help_text=_("The token reaches this organization's endpoints only."),
            )
            self.order_fields(["name", "organization", "scope", "expires_in_days"])

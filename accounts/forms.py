from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

TIME_ZONE_CHOICES = [("", _("The organization's time zone"))] + [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        required=False,
        label=_("Time zone"),
        help_text=_("Dates and times are shown in this zone, with its abbreviation."),
    )

"""Forms for the creator pages (desk and portal). Shapes and types only; rules are in services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops import validation
from influencer_ops.choices import Category, Platform
from influencer_ops.csv_import import CsvImportForm
from influencers.models import DEFAULT_CLICK_MILESTONE, CreatorProfile, SocialHandle


def split_list(value: str) -> list[str]:
    """ "English, Spanish; French" → ["English", "Spanish", "French"]."""
    return [part.strip() for part in re.split(r"[,;]", value or "") if part.strip()]


class ListField(forms.CharField):
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_list(super().to_python(value) or "")

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


def _categories_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


def _rate_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext("Rate per post"),
        required=False,
        min_value=0,
        max_digits=validation.CREATOR_RATE_DIGITS[0],
        decimal_places=validation.CREATOR_RATE_DIGITS[1],
    )


def _languages_field() -> ListField:
    return ListField(required=False, max_length=400, help_text=gettext("Separate with commas."))


class CreatorForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=validation.CREATOR_NAME_MAX_LENGTH)
    email = forms.EmailField(label=_("E-mail address"))
    categories = _categories_field()
    languages = _languages_field()
    location = forms.CharField(max_length=validation.CREATOR_LOCATION_MAX_LENGTH, required=False)
    rate_per_post = _rate_field()
    rate_currency = forms.RegexField(
        regex=r"^[A-Za-z]{3}$",
        max_length=3,
        label=_("Currency"),
        help_text=_("ISO 4217, e.g. USD."),
    )
    click_milestone = forms.IntegerField(
        min_value=1,
        initial=DEFAULT_CLICK_MILESTONE,
        help_text=_("Clicks a program must bring for the milestone payout."),
    )
    internal_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=validation.CREATOR_NOTES_MAX_LENGTH,
        help_text=_("For the team only; never shown to the creator."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the milestone changes on its own page, with a reason
            del self.fields["click_milestone"]

    @classmethod
    def initial_for(cls, profile: CreatorProfile) -> dict[str, Any]:
        return {
            "display_name": profile.display_name,
            "email": profile.email,
            "categories": profile.categories,
            "languages": profile.languages,
            "location": profile.location,
            "rate_per_post": profile.rate_per_post,
            "rate_currency": profile.rate_currency,
            "internal_notes": profile.internal_notes,
        }


class HandlesForm(forms.Form):
    """One row per platform: handle, audience, engagement. An empty handle means none."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for platform, label in Platform.choices:
            self.fields[f"{platform}_handle"] = forms.CharField(
                label=gettext("%(label)s handle") % {"label": label}, required=False, max_length=101
            )
            self.fields[f"{platform}_audience"] = forms.IntegerField(
                label=gettext("%(label)s audience") % {"label": label}, required=False, min_value=0
            )
            self.fields[f"{platform}_engagement"] = forms.DecimalField(
                label=gettext("%(label)s engagement (%%)") % {"label": label},
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "platform": label,
                "fields": [
                    self[f"{platform}_{part}"] for part in ("handle", "audience", "engagement")
                ],
            }
            for platform, label in Platform.choices
        ]

    def handles(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "platform": platform,
                "handle": data[f"{platform}_handle"],
                "audience_size": data[f"{platform}_audience"] or 0,
                "engagement_rate": data[f"{platform}_engagement"] or 0,
            }
            for platform in Platform.values
            if (data.get(f"{platform}_handle") or "").strip()
        ]

    @staticmethod
    def initial_for(handles: list[SocialHandle]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for h in handles:
            initial[f"{h.platform}_handle"] = h.handle
            initial[f"{h.platform}_audience"] = h.audience_size
            initial[f"{h.platform}_engagement"] = h.engagement_rate
        return initial


ImportForm = CsvImportForm


class MilestoneForm(forms.Form):
    new = forms.IntegerField(label=_("New click milestone"), min_value=1)
    reason = forms.CharField(
        max_length=validation.MILESTONE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: the milestone decides pay, so every change keeps its reason."),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class AvailabilityForm(forms.Form):
    away_from = forms.DateField(label=_("Away from"), widget=DateInput)
    away_to = forms.DateField(label=_("Back after (last day away)"), widget=DateInput)
    note = forms.CharField(max_length=validation.AWAY_NOTE_MAX_LENGTH, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("away_from"), data.get("away_to")
        if start and end and end < start:
            self.add_error("away_to", gettext("The window ends before it starts."))
        return data


class InterestForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices)
    note = forms.CharField(
        max_length=validation.INTEREST_NOTE_MAX_LENGTH,
        required=False,
        help_text=_("Optional: what you would like to do."),
    )


class OwnProfileForm(forms.Form):
    """What a creator may edit about themselves."""

    location = forms.CharField(max_length=validation.CREATOR_LOCATION_MAX_LENGTH, required=False)
    languages = _languages_field()
    categories = _categories_field()
    rate_per_post = _rate_field()

    @classmethod
    def initial_for(cls, profile: CreatorProfile) -> dict[str, Any]:
        return {
            "location": profile.location,
            "languages": profile.languages,
            "categories": profile.categories,
            "rate_per_post": profile.rate_per_post,
        }

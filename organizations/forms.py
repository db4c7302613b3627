from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

from influencer_ops.history import GROUPS
from organizations.models import Brand, Membership, Organization
from organizations.roles import Role
from organizations.selectors import AuditFilters

TIME_ZONES = sorted(zoneinfo.available_timezones())


class BrandChoiceMixin:
    def _brand_field(self, organization: Organization) -> forms.ModelMultipleChoiceField:
        return forms.ModelMultipleChoiceField(
            queryset=Brand.objects.filter(organization=organization).order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=gettext(
                "Brand managers, approvers and analysts cover only the brands named here."
            ),
        )


class InvitationForm(BrandChoiceMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brands"] = self._brand_field(organization)


class MembershipRoleForm(BrandChoiceMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brands"] = self._brand_field(organization)


class BrandForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Brand name"))


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=120)
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES])
    default_currency = forms.RegexField(
        regex=r"^[A-Za-z]{3}$",
        max_length=3,
        help_text=gettext_lazy("ISO 4217 code, e.g. USD or EUR."),
    )
    mfa_required = forms.BooleanField(
        required=False,
        label=gettext_lazy("Require two-factor sign-in for admins and success managers"),
    )


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=150, label=gettext_lazy("Your name"))
    password = forms.CharField(
        widget=forms.PasswordInput, label=gettext_lazy("Choose a password"), min_length=8
    )


class AuditFilterForm(forms.Form):
    """The audit page's filters: who, what, and from/to days (the org's calendar)."""

    who = forms.ChoiceField(label=gettext_lazy("Who"), required=False)
    what = forms.ChoiceField(
        label=gettext_lazy("What"),
        required=False,
        choices=[
            ("", gettext_lazy("Everything")),
            *((key, gettext_lazy(label)) for key, (label, _) in GROUPS.items()),
        ],
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, members: Iterable[Membership], system: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = sorted(((str(m.user_id), m.user.display_name) for m in members), key=_by_name)
        who = cast(forms.ChoiceField, self.fields["who"])
        who.choices = [("", "Anyone"), (system, "The system"), *people]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(gettext("The first day is after the last day."))
        return cleaned

    def filters(self) -> AuditFilters | None:
        """What to show: everything when nothing was asked, None when a filter does not hold."""
        if not self.is_bound:
            return AuditFilters()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return AuditFilters(
            who=data["who"], what=data["what"], since=data["since"], until=data["until"]
        )

    def applied(self) -> list[tuple[str, str]]:
        """The filters in force in words, each with the query that drops it (the chips)."""
        chips = []
        for name, value in (self.cleaned_data if self.is_bound else {}).items():
            if value:
                rest = QueryDict(mutable=True)
                rest.update(self.data)
                for key in (name, "page"):
                    rest.pop(key, None)
                chips.append((f"{self[name].label}: {self.value_words(name)}", rest.urlencode()))
        return chips

    def value_words(self, name: str) -> str:
        """A cleaned filter as the reader chose it: a name, a group, a date."""
        value = self.cleaned_data[name]
        if name in ("who", "what"):
            field = cast(forms.ChoiceField, self.fields[name])
            return dict(cast(list[tuple[str, str]], field.choices)).get(value, value)
        return formats.date_format(value, "DATE_FORMAT")


def _by_name(choice: tuple[str, str]) -> str:
    return choice[1].casefold()

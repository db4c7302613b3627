"""Program forms: they parse input; the rules (dates in order, money, states) are the services'."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.choices import Category, Platform
from influencer_ops.validation import (
    AMOUNT_DIGITS,
    DELIVERABLE_COUNT_MAX,
    DISCLOSURE_RULE_MAX_LENGTH,
    DUE_OFFSET_MAX_DAYS,
    NAME_MAX_LENGTH,
    RATE_DIGITS,
    REASON_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from organizations.models import Brand, Organization
from programs import selectors
from programs.models import DeliverableSpec
from programs.services import FIELD_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label: str, *, digits: tuple[int, int] = AMOUNT_DIGITS) -> forms.DecimalField:
    max_digits, places = digits
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=max_digits,
        decimal_places=places,
    )


class ListField(forms.CharField):
    """Comma-separated words in, a list out (audience interests and locations)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()]


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email})"


class ProgramCreateForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), empty_label=None)

    def __init__(self, *args: Any, brands: Iterable[Brand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brand_field = cast(forms.ModelChoiceField, self.fields["brand"])
        brand_field.queryset = Brand.objects.filter(pk__in=[b.pk for b in brands]).order_by("name")


class ProgramBriefForm(forms.Form):
    """The whole brief; built with only the fields the program's state still allows."""

    FIELDSETS = [
        (
            "Program",
            [
                "name",
                "goals",
                "guidelines",
                "disclosure_rule",
                "disclosure_advisory",
                "nda_required",
                "destination_url",
            ],
        ),
        (
            "Audience",
            [
                "platforms",
                "categories",
                "audience_demographics",
                "audience_interests",
                "audience_locations",
                "min_audience",
                "max_audience",
            ],
        ),
        ("Dates", ["recruit_by", "launch_on", "content_due_on", "end_on"]),
        (
            "Size and money",
            [
                "capacity",
                "currency",
                "budget_amount",
                "flat_fee",
                "per_click_rate",
                "click_milestone",
                "milestone_bonus",
                "prorate_if_missed",
            ],
        ),
        (
            "Commission on orders",
            [
                "commission_percent",
                "commission_fixed",
                "commission_cap",
                "commission_window_days",
                "commission_holding_days",
            ],
        ),
        ("People", ["assigned_ism", "assigned_bsm"]),
    ]

    name = forms.CharField(max_length=NAME_MAX_LENGTH)
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    guidelines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Do's and don'ts, product details, photo style, the brand's spelling."),
    )
    disclosure_rule = forms.CharField(
        max_length=DISCLOSURE_RULE_MAX_LENGTH,
        help_text=_("Checked on every submission, e.g. #ad or #sponsored."),
    )
    disclosure_advisory = forms.BooleanField(
        required=False,
        label=_("Only advise on the disclosure check"),
        help_text=_(
            "Unticked (the default): a version without the disclosure is refused. Ticked: "
            "it goes to review flagged, and approving it needs a reason."
        ),
    )
    nda_required = forms.BooleanField(required=False, label=_("Creators must accept an NDA"))
    destination_url = forms.URLField(
        required=False,
        max_length=URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("The page creators' tracked links lead to; UTM tags are added."),
    )
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    categories = forms.MultipleChoiceField(
        choices=Category.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    audience_demographics = forms.CharField(max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    audience_interests = ListField(required=False, help_text=_("Separate with commas."))
    audience_locations = ListField(required=False, help_text=_("Separate with commas."))
    min_audience = forms.IntegerField(min_value=0, required=False)
    max_audience = forms.IntegerField(min_value=0, required=False)
    recruit_by = forms.DateField(widget=DATE, required=False)
    launch_on = forms.DateField(widget=DATE, required=False)
    content_due_on = forms.DateField(widget=DATE, required=False)
    end_on = forms.DateField(widget=DATE, required=False)
    capacity = forms.IntegerField(min_value=1, help_text=_("How many creators take part."))
    currency = forms.RegexField(
        regex=r"^[A-Za-z]{3}$", max_length=3, help_text=_("ISO 4217 code, e.g. USD or EUR.")
    )
    budget_amount = _money("Budget")
    flat_fee = _money("Flat fee per creator")
    per_click_rate = _money("Per-click rate", digits=RATE_DIGITS)
    click_milestone = forms.IntegerField(
        min_value=1,
        required=False,
        help_text=_("Valid clicks to reach; empty: each creator's own."),
    )
    milestone_bonus = _money("Milestone bonus")
    prorate_if_missed = forms.BooleanField(
        required=False, label=_("Prorate the bonus if the milestone is missed")
    )
    commission_percent = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        label=_("Commission (% of net order value)"),
        help_text=_("Of each order attributed to the creator's link or discount code."),
    )
    commission_fixed = _money("Commission per order")
    commission_cap = _money("Commission cap per creator")
    commission_window_days = forms.IntegerField(
        min_value=0,
        max_value=3650,
        required=False,
        initial=30,
        label=_("Attribution window (days after the end)"),
    )
    commission_holding_days = forms.IntegerField(
        min_value=0,
        max_value=3650,
        required=False,
        initial=30,
        label=_("Commission holding period (days)"),
        help_text=_("Commission waits this long for refunds before it is paid."),
    )
    assigned_ism = StaffChoiceField(queryset=None, required=False, label=_("Assigned ISM"))
    assigned_bsm = StaffChoiceField(queryset=None, required=False, label=_("Assigned BSM"))

    def __init__(
        self, *args: Any, organization: Organization, editable: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = set(editable)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name, field in self.fields.items():
            if name in FIELD_LABELS and field.label is None:
                field.label = gettext(FIELD_LABELS[name])
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.update({"min": "0", "inputmode": "decimal"})
            if isinstance(field, StaffChoiceField):
                field.queryset = selectors.program_staff_choices(
                    organization=organization, field=name
                )
                field.empty_label = gettext("Nobody yet (the team queue)")

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        groups = []
        for legend, names in self.FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                groups.append((legend, bound))
        return groups


def brief_initial(program: Any) -> dict[str, Any]:
    return {name: getattr(program, name) for name in ProgramBriefForm.base_fields}


class DeliverableSpecForm(forms.Form):
    kind = forms.ChoiceField(choices=DeliverableSpec.Kind.choices)
    platform = forms.ChoiceField(choices=Platform.choices)
    count = forms.IntegerField(min_value=1, max_value=DELIVERABLE_COUNT_MAX, initial=1)
    due_on = forms.DateField(widget=DATE, required=False, label=_("Due date"))
    due_offset_days = forms.IntegerField(
        min_value=0,
        max_value=DUE_OFFSET_MAX_DAYS,
        required=False,
        label=_("Or: due days after launch"),
        help_text=_("Give a due date or a number of days after launch, not both."),
    )


class ProgramCloneForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, label=_("Name of the copy"))


class ProgramCancelForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, label=_("Reason for cancelling"))

"""The payment schedule form. It only shapes input: ``schedule_update`` is the one judge of
what a schedule may hold, and its per-field errors are put back on this form."""

from __future__ import annotations

from functools import cache
from typing import Any, cast
from zoneinfo import available_timezones

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Field
from django.utils.translation import gettext

from payments.models import PaymentSchedule
from payments.runs.schedule import SCHEDULE_FIELDS

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


class ScheduleForm(forms.Form):
    """Cadence, day and time of the runs, and the policies they apply."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(PaymentSchedule, fields=SCHEDULE_FIELDS))
        # The model's bounds, so that every field's error shows at once.
        for name in SCHEDULE_FIELDS:
            bounds = [
                v
                for v in cast("Field[Any, Any]", PaymentSchedule._meta.get_field(name)).validators
                if isinstance(v, MinValueValidator | MaxValueValidator)
            ]
            self.fields[name].validators.extend(bounds)
        self.fields["weekday"] = forms.TypedChoiceField(
            choices=WEEKDAYS,
            coerce=int,
            help_text=gettext("Weekly and every-two-weeks runs."),
        )
        self.fields["day_of_month"].help_text = gettext(
            "Monthly runs: day 1–28 (every month has it)."
        )
        self.fields["run_time"].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        self.fields["time_zone"] = forms.ChoiceField(
            choices=time_zone_choices(), help_text=gettext("The run time is in this time zone.")
        )
        self.fields["approval_threshold"].help_text = gettext(
            "A run started by hand above this total needs a second admin's approval "
            "(leave empty: never)."
        )
        # Keep the order of the service's fields, whatever fields_for_model did.
        self.order_fields(SCHEDULE_FIELDS)

    @classmethod
    def for_schedule(cls, schedule: PaymentSchedule) -> ScheduleForm:
        return cls(initial={name: getattr(schedule, name) for name in SCHEDULE_FIELDS})

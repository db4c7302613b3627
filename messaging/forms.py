from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from messaging.kinds import TaskKind, TaskState, Topic
from messaging.selectors import TaskFilters

MESSAGE_MAX = 5000


def _choices(field: forms.Field, choices: list[Any]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class TaskFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *TaskKind.choices], required=False)
    program = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Program")
    )
    state = forms.ChoiceField(
        choices=[("", "Open and in progress"), *TaskState.choices], required=False
    )
    due = forms.TypedChoiceField(
        choices=[("", "Any time"), ("1", "Within a day"), ("7", "Within a week")],
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Due"),
    )
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))

    def __init__(self, *args: Any, programs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["program"], [("", "Any program"), *programs])

    def to_filters(self) -> TaskFilters:
        if not self.is_valid():
            return TaskFilters()
        data = self.cleaned_data
        return TaskFilters(
            kind=data["kind"],
            program_id=data["program"],
            state=data["state"],
            overdue=data["overdue"],
            due_within_days=data["due"],
        )


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        max_length=MESSAGE_MAX, label=_("Resolution note"), widget=forms.TextInput
    )


class ReassignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Give to")
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["assignee"], [("", "The team queue"), *people])


class TaskIdsField(forms.Field):
    """The ids of the tasks ticked on the desk (``task=3&task=5``)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Choose tasks from the desk."}

    def to_python(self, value: Any) -> list[int]:
        values = value or []
        if not all(str(v).isdigit() and len(str(v)) < 10 for v in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(v) for v in values})


class TaskBulkForm(forms.Form):
    """One action on the tasks ticked on the desk: claim them, or give them to one person."""

    action = forms.ChoiceField(
        label="Action", choices=[("claim", "Claim"), ("assign", "Assign to…")]
    )
    assignee = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Assign to"
    )
    task = TaskIdsField(label="Tasks", error_messages={"required": "Tick at least one task."})

    def __init__(
        self, *args: Any, people: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["assignee"], [("", "Choose a person"), *people])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose who gets the ticked tasks.")
        return data


class MessageForm(forms.Form):
    text = forms.CharField(
        max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 4}), label=_("Message")
    )


class StaffReplyForm(MessageForm):
    resolve = forms.BooleanField(required=False, label=_("This answers the open request(s)"))


class AnnouncementForm(forms.Form):
    program = forms.TypedChoiceField(coerce=int, label=_("Program"))
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 5}), label=_("Message")
    )
    replies_allowed = forms.BooleanField(required=False, label=_("Creators may reply"))

    def __init__(self, *args: Any, programs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["program"], programs)


class CreatorRequestForm(forms.Form):
    enrollment = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("About")
    )
    organization = forms.ChoiceField(required=False, label=_("Organization"))
    topic = forms.ChoiceField(choices=Topic.choices)
    payout = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Which payout (optional)"),
        help_text=_("For a compensation question: the payout it is about."),
    )
    text = forms.CharField(
        max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 5}), label=_("Your question")
    )

    def __init__(
        self,
        *args: Any,
        enrollments: list[tuple[int, str]],
        organizations: list[tuple[str, str]],
        payouts: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["enrollment"], [("", "Not about a specific program"), *enrollments])
        if payouts:
            _choices(self.fields["payout"], [("", "Not about a specific payout"), *payouts])
        else:
            del self.fields["payout"]
        if len(organizations) > 1:
            _choices(self.fields["organization"], organizations)
            self.fields["organization"].help_text = gettext(
                "Used when the question is not about a program."
            )
        else:
            del self.fields["organization"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("payout") is not None and data.get("topic") != Topic.COMPENSATION:
            self.add_error("payout", gettext("Pick a payout only for a compensation question."))
        return data


class TaskSLAForm(forms.Form):
    """One field per task kind: hours until due; empty keeps the default."""

    def __init__(self, *args: Any, defaults: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in TaskKind.choices:
            self.fields[kind] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=24 * 60,
                label=gettext("%(label)s (hours)") % {"label": label},
                help_text=gettext("Default: %(value)s hours.") % {"value": defaults[kind]},
            )


# --- the task page's in-place actions (messaging.services.task_work) ---


class TaskReplyForm(MessageForm):
    """A message to the creator from a task (also the message, material and goals remedies)."""

    resolve = forms.BooleanField(required=False, label=_("This resolves the task"))


class TaskConfirmForm(forms.Form):
    """No fields: confirming is one click; the form carries a refusal back to the page."""


class MilestoneCorrectionForm(forms.Form):
    new = forms.IntegerField(min_value=1, max_value=10_000_000, label=_("New click milestone"))
    reason = forms.CharField(
        max_length=300,
        label=_("Reason the creator reads"),
        help_text=_(
            "Each open place whose milestone follows the creator gets a terms amendment "
            "with this reason, which the creator accepts before confirmation."
        ),
    )


class DueDateMoveForm(forms.Form):
    deliverables = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Deliverables to move")
    )
    new_due_on = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, deliverables: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["deliverables"], deliverables)


class PayAmendForm(forms.Form):
    per_click_rate = forms.DecimalField(
        max_digits=10,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        label=_("New pay per valid click"),
    )
    reason = forms.CharField(
        max_length=500,
        label=_("Reason the creator reads"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoachingNoteForm(forms.Form):
    note = forms.CharField(
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Coaching note"),
        help_text=_("Internal: on the task's history, never shown to the creator."),
    )


class PayoutHoldForm(forms.Form):
    payout = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=500, label=_("Why it is held"), help_text=_("The creator reads this.")
    )


class PayoutReleaseForm(forms.Form):
    payout = forms.IntegerField(widget=forms.HiddenInput)

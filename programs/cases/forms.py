"""Forms of the compliance case pages: open a case, one form per action kind, respond."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import (
    AMENDMENT_REASON_MAX_LENGTH,
    AMOUNT_DIGITS,
    CASE_END_REASON_MAX_LENGTH,
    CASE_EVIDENCE_MAX_LENGTH,
    CASE_MAX_EVIDENCE_LINKS,
    CASE_TEXT_MAX_LENGTH,
    RATE_DIGITS,
)
from programs.models import CaseAction, ComplianceCase

Kind = CaseAction.Kind

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(choices=ComplianceCase.Kind.choices, label=_("Kind of case"))
    severity = forms.ChoiceField(
        choices=ComplianceCase.Severity.choices, initial=ComplianceCase.Severity.MEDIUM
    )
    evidence = forms.CharField(
        max_length=CASE_EVIDENCE_MAX_LENGTH,
        widget=_textarea(6),
        label=_("Evidence"),
        help_text=_("What happened, where and when. The creator reads it."),
    )
    evidence_links = forms.CharField(
        required=False,
        widget=_textarea(3),
        label=_("Evidence links"),
        help_text=format_lazy(
            _("http(s) links, one a line, at most {most}."), most=CASE_MAX_EVIDENCE_LINKS
        ),
    )

    def clean_evidence_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines()]
        return [line for line in lines if line]


class CaseActionForm(forms.Form):
    """Base of the action forms; ``kind`` and ``title`` say which action it records."""

    kind: str = Kind.NOTE
    title: _StrOrPromise = ""
    text_label: _StrOrPromise = _("Text")
    text_limit: int = CASE_TEXT_MAX_LENGTH
    button: _StrOrPromise = _("Record")

    text = forms.CharField(widget=_textarea())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.kind)
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        text.label = self.text_label
        text.validators.append(MaxLengthValidator(self.text_limit))
        text.widget.attrs["maxlength"] = str(self.text_limit)

    def service_kwargs(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.cleaned_data["text"]}


class MessageActionForm(CaseActionForm):
    kind = Kind.MESSAGE
    title = _("Message the creator")
    text_label = _("Message (posted in the creator's thread)")
    button = _("Send the message")


class WarningActionForm(CaseActionForm):
    kind = Kind.WARNING
    title = _("Formal warning")
    text_label = _("Warning (the creator reads it)")
    button = _("Give the warning")


class NoteActionForm(CaseActionForm):
    kind = Kind.NOTE
    title = _("Internal note")
    text_label = _("Note (never shown to the creator)")
    button = _("Add the note")


class _VisibleChoiceForm(CaseActionForm):
    visible_to_creator = forms.BooleanField(
        required=False, initial=True, label=_("Show this to the creator")
    )

    def service_kwargs(self) -> dict[str, Any]:
        return super().service_kwargs() | {
            "visible_to_creator": self.cleaned_data["visible_to_creator"]
        }


class EscalationActionForm(_VisibleChoiceForm):
    kind = Kind.ESCALATION
    title = _("Escalate to the org admins")
    text_label = _("Why it needs the admins")
    button = _("Escalate")


class CloseActionForm(_VisibleChoiceForm):
    kind = Kind.CLOSE
    title = _("Close as resolved")
    text_label = _("How it was resolved")
    button = _("Close the case")


class RemedyActionForm(CaseActionForm):
    kind = Kind.REMEDY
    title = _("Remedy with a due date")
    text_label = _("What is expected (the creator reads it)")
    button = _("Set the remedy")

    remedy = forms.ChoiceField(choices=CaseAction.Remedy.choices, label=_("Remedy"))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["remedy", "due_on", "text"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return super().service_kwargs() | {"remedy": data["remedy"], "due_on": data["due_on"]}


def _money(label: str, digits: tuple[int, int] = AMOUNT_DIGITS) -> forms.DecimalField:
    max_digits, places = digits
    return forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=max_digits,
        decimal_places=places,
        label=label,
    )


class AmendmentActionForm(CaseActionForm):
    kind = Kind.TERMS_AMENDMENT
    title = _("Amend the terms")
    text_label = _("Reason for the change (the creator reads it)")
    text_limit = AMENDMENT_REASON_MAX_LENGTH
    button = _("Send the new terms")

    fee = _money("New flat fee")
    per_click_rate = _money("New pay per valid click", RATE_DIGITS)
    click_milestone = forms.IntegerField(
        required=False, min_value=1, label=_("New click milestone")
    )
    milestone_bonus = _money("New milestone bonus")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.changes():
            raise forms.ValidationError(
                gettext("Change at least one term; leave the others empty.")
            )
        return data

    def changes(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in ("fee", "per_click_rate", "click_milestone", "milestone_bonus")
            if self.cleaned_data.get(key) is not None
        }

    def service_kwargs(self) -> dict[str, Any]:
        return super().service_kwargs() | {"changes": self.changes()}


class TerminateActionForm(CaseActionForm):
    kind = Kind.TERMINATE
    title = _("End the collaboration")
    text_label = _("Why it ends (quoted in a respectful message to the creator)")
    text_limit = CASE_END_REASON_MAX_LENGTH
    button = _("End the collaboration")

    confirm = forms.BooleanField(
        required=True,
        label=_("I understand: future deliverables are cancelled and what is earned is owed"),
    )


ACTION_FORMS: list[type[CaseActionForm]] = [
    MessageActionForm,
    WarningActionForm,
    RemedyActionForm,
    AmendmentActionForm,
    EscalationActionForm,
    NoteActionForm,
    CloseActionForm,
    TerminateActionForm,
]
ACTION_FORM_BY_KIND: dict[str, type[CaseActionForm]] = {f.kind: f for f in ACTION_FORMS}


class RespondForm(forms.Form):
    text = forms.CharField(
        max_length=CASE_TEXT_MAX_LENGTH, widget=_textarea(4), label=_("Your response")
    )

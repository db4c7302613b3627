"""The endpoint form: the address, a description and the events chosen from the catalogue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from influencer_ops.events import EventType
from influencer_ops.validation import URL_MAX_LENGTH
from integrations.models import WEBHOOK_DESCRIPTION_MAX_LENGTH, WebhookEndpoint
from integrations.webhooks.services import SETTABLE_STATES


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        help_text=_("The https:// address that receives a POST for each event."),
        widget=forms.URLInput(),
    )
    description = forms.CharField(
        label=_("Description"), max_length=WEBHOOK_DESCRIPTION_MAX_LENGTH, required=False
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )


class EndpointEditForm(EndpointForm):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[(s.value, s.label) for s in SETTABLE_STATES],
        help_text=_("Paused: events are not recorded for it. Active again resumes a disabled one."),
    )

    @staticmethod
    def initial_for(endpoint: WebhookEndpoint) -> dict[str, object]:
        state = endpoint.state
        if state == WebhookEndpoint.State.DISABLED:
            state = WebhookEndpoint.State.PAUSED
        return {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": list(endpoint.events),
            "state": state,
        }

"""An endpoint's delivery log as a table (page and CSV), filtered by state."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.tables import ListTable, sort_by
from influencer_ops.templatetags.formatting import number, when
from integrations.models import WebhookDelivery


class DeliveryFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=WebhookDelivery.State.choices, empty_label=_("Any state"), label=_("State")
    )

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


class DeliveryTable(ListTable):
    row_header = "event"

    created_at = tables.Column(
        verbose_name=_("Created"), orderable=True, order_by=sort_by("created_at")
    )
    event = tables.Column(accessor="event__type", verbose_name=_("Event"))
    event_id = tables.Column(accessor="event_id", verbose_name=_("Event id"))
    state = tables.Column(verbose_name=_("State"), orderable=True, order_by=sort_by("state"))
    response_code = tables.Column(verbose_name=_("Response"), empty_values=())
    latency_ms = tables.Column(verbose_name=_("Latency (ms)"), empty_values=())
    attempts = tables.Column(verbose_name=_("Attempts"))
    next_attempt_at = tables.Column(verbose_name=_("Next try"), empty_values=())
    replay = tables.Column(
        accessor="pk", verbose_name=_("Replay"), exclude_from_export=True, empty_values=()
    )

    class Meta:
        sequence = (
            "event",
            "created_at",
            "state",
            "response_code",
            "latency_ms",
            "attempts",
            "next_attempt_at",
            "event_id",
            "replay",
        )

    def __init__(
        self, *args: Any, http_request: Any, org_slug: str, endpoint_id: int, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.http_request = http_request  # for the replay forms' CSRF token
        self.org_slug = org_slug
        self.endpoint_id = endpoint_id

    def render_created_at(self, value: Any) -> str:
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), when(value))

    def render_state(self, record: WebhookDelivery) -> str:
        replay = gettext(" (replay)") if record.replay_of_id else ""
        return format_html(
            '<span class="badge badge-{}">{}</span>{}',
            record.state,
            record.get_state_display(),
            replay,
        )

    def render_response_code(self, record: WebhookDelivery) -> str:
        if record.response_code is not None:
            return str(record.response_code)
        return record.error[:80] or "—"

    def render_latency_ms(self, value: int | None) -> str:
        return "—" if value is None else number(value)

    def render_next_attempt_at(self, record: WebhookDelivery) -> str:
        if record.state != WebhookDelivery.State.PENDING or record.next_attempt_at is None:
            return "—"
        at = record.next_attempt_at
        return format_html('<time datetime="{}">{}</time>', at.isoformat(), when(at))

    def render_replay(self, record: WebhookDelivery) -> str:
        url = reverse(
            "webhook_replay",
            kwargs={"org_slug": self.org_slug, "pk": self.endpoint_id, "delivery_pk": record.pk},
        )
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button type="submit" class="link-button">{}'
            '<span class="visually-hidden"> {}</span></button></form>',
            url,
            get_token(self.http_request),
            gettext("Replay"),
            gettext("delivery #%(number)s") % {"number": record.pk},
        )

    # The CSV: raw values.
    def value_created_at(self, value: Any) -> Any:
        return value

    def value_state(self, record: WebhookDelivery) -> str:
        return str(record.state)

    def value_response_code(self, record: WebhookDelivery) -> Any:
        return record.response_code if record.response_code is not None else record.error

    def value_latency_ms(self, value: int | None) -> Any:
        return value

    def value_next_attempt_at(self, record: WebhookDelivery) -> Any:
        return record.next_attempt_at if record.state == WebhookDelivery.State.PENDING else ""

    def value_event_id(self, value: Any) -> str:
        return str(value)

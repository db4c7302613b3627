"""The changed fields of an audit event, in words: "State: recruiting → launched",
"Brand: Trailhead Outdoor", never ``{'brand': 1}``.

Ids are turned into names in bulk: ``references_for(events)`` collects the ids of every
reference field over all the events of a page and loads each kind with one query, so a page
of 50 events costs the same queries as a page of 5. The models are named by their label
(``"programs.Program"``), as the core's foreign keys are: the core imports no app.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from influencer_ops.choices import Platform
from influencer_ops.deliverable_names import phrase_of
from influencer_ops.models import AuditEvent


@dataclass(frozen=True)
class Change:
    """One field of an event: ``old`` is empty for a value set for the first time."""

    label: str
    old: str
    new: str


# Fields holding ids, by the model they point to, with the relations its name needs.
@dataclass(frozen=True)
class Reference:
    model: str
    related: tuple[str, ...] = ()


_USER = Reference(settings.AUTH_USER_MODEL)
REFERENCES: dict[str, Reference] = {
    "brand": Reference("organizations.Brand"),
    "brands": Reference("organizations.Brand"),
    "cloned_from": Reference("programs.Program"),
    "enrollment": Reference("programs.Enrollment", ("creator", "program")),
    "deliverable": Reference("programs.Deliverable"),
    "deliverables": Reference("programs.Deliverable"),
    "assigned_ism": _USER,
    "assigned_bsm": _USER,
    "assignee": _USER,
    "ids": Reference("influencers.CreatorProfile"),
}
# Keys whose values are kept out of the details: internal ids with no meaning to a reader,
# and the reason, which the sentence quotes already.
HIDDEN = frozenset({"action", "reason"})

LABELS: dict[str, str] = {
    "ids": N_("Creators"),
    "nda": N_("NDA accepted"),
    "url": N_("Link"),
    "live_url": N_("Live post"),
    "due_on": N_("Due date"),
    "new_due_on": N_("New due date"),
    "original_due_on": N_("First due date"),
    "requested_due_on": N_("Requested due date"),
    "days": N_("Days moved"),
    "routed_role": N_("Sent to"),
    "assigned_ism": N_("Assigned ISM"),
    "assigned_bsm": N_("Assigned BSM"),
    "per_click_rate": N_("Per-click rate"),
    "mfa_required": N_("Two-factor sign-in required"),
    "disclosure_passed": N_("Disclosure found"),
    "disclosure_matches": N_("Disclosure words found"),
    "payout_ready": N_("Ready to be paid"),
    "override": N_("Override reason"),
    "override_reason": N_("Override reason"),
    "terms_version": N_("Terms version"),
    "time_zone": N_("Time zone"),
    "default_currency": N_("Default currency"),
    "rate_per_post": N_("Rate per post"),
    "display_name": N_("Name"),
    "min_audience": N_("Smallest audience"),
    "max_audience": N_("Largest audience"),
    "budget_amount": N_("Budget"),
    "audience_size": N_("Audience size"),
    "self_service": N_("Granted by the policy"),
    # the program brief (as programs.services.brief labels its form)
    "nda_required": N_("NDA required"),
    "disclosure_advisory": N_("Disclosure check only advises"),
    "destination_url": N_("Destination of tracked links"),
    "launch_on": N_("Launch date"),
    "content_due_on": N_("Content due date"),
    "end_on": N_("End date"),
    "prorate_if_missed": N_("Prorate if the milestone is missed"),
    "flat_fee": N_("Flat fee"),
}
# Keys whose values are codes (``on_hold``), shown as words (``on hold``).
CODES = frozenset(
    {
        "state", "kind", "severity", "outcome", "topic", "routed_role", "role", "method",
        "platform", "platforms", "source", "trigger", "category", "categories", "handles",
        "remedy", "cadence", "penalty_kind", "to_role", "from_role",
    }
)  # fmt: skip
CODE_WORDS = {
    "ism": N_("ISM"), "bsm": N_("BSM"), "w8ben": N_("W-8BEN"), "w9": N_("W-9"), "csv": N_("CSV"),
    "api": N_("API"),
}  # fmt: skip
# Amounts, stored as decimal text: shown grouped, with the event's currency when it has one.
MONEY = frozenset(
    {"fee", "flat_fee", "amount", "budget_amount", "milestone_bonus", "per_click_rate",
     "rate_per_post"}
)  # fmt: skip
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

References = Mapping[str, Mapping[str, str]]  # model label -> id -> name


def label_of(key: str) -> str:
    text = key.replace("_", " ").strip()
    return gettext(LABELS[key]) if key in LABELS else text[:1].upper() + text[1:]


def _ids(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _payloads(event: AuditEvent) -> Iterable[Mapping[str, Any]]:
    return [p for p in (event.before, event.after) if isinstance(p, dict)]


def references_for(events: Iterable[AuditEvent]) -> dict[str, dict[str, str]]:
    """The names of every id the events mention, one query per kind of thing referred to."""
    wanted: dict[Reference, set[str]] = defaultdict(set)
    for event in events:
        for payload in _payloads(event):
            for key, value in payload.items():
                if key in REFERENCES:
                    wanted[REFERENCES[key]].update(_ids(value))
                elif key == "due_on" and isinstance(value, dict):  # due dates by deliverable
                    wanted[REFERENCES["deliverable"]].update(value)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for reference, ids in wanted.items():
        if not ids:
            continue
        model = apps.get_model(reference.model)
        rows = model._default_manager.select_related(*reference.related).filter(pk__in=ids)
        for row in rows:
            names[reference.model][str(row.pk)] = str(getattr(row, "display_name", None) or row)
    return names


def words(key: str, value: Any, names: References, currency: str = "") -> str:
    """One stored value as a reader says it."""
    if key in MONEY and isinstance(value, str) and _DECIMAL.fullmatch(value):
        amount = formats.number_format(Decimal(value), force_grouping=True)
        return f"{amount} {currency}".strip()
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    reference = REFERENCES.get(key)
    if reference is not None and _ids(value):
        known = names.get(reference.model, {})
        return ", ".join(known.get(i, f"#{i} (since removed)") for i in _ids(value))
    if isinstance(value, list):
        return ", ".join(words(key, item, names, currency) for item in value)
    if isinstance(value, dict):
        return _dict_words(key, value, names)
    if isinstance(value, int | float):
        return formats.number_format(value, force_grouping=True)
    text = str(value)
    if key in CODES:
        if text in Platform.values:
            return str(Platform(text).label)
        return gettext(CODE_WORDS[text]) if text in CODE_WORDS else text.replace("_", " ")
    return _date_words(text)


def _dict_words(key: str, value: Mapping[str, Any], names: References) -> str:
    if {"kind", "count", "platform"} <= value.keys():  # a deliverable of the terms
        return phrase_of(value)
    if key == "due_on":  # due dates by deliverable id
        known = names.get(REFERENCES["deliverable"].model, {})
        pairs = value.items()
        return "; ".join(f"{known.get(k, '#' + k)}: {_date_words(str(v))}" for k, v in pairs)
    currency = str(value.get("currency") or "")
    return "; ".join(f"{label_of(k)}: {words(k, v, names, currency)}" for k, v in value.items())


def _date_words(text: str) -> str:
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if _ISO_DATE.fullmatch(text):
        try:
            return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
        except ValueError:
            return text
    return text


def changes_of(event: AuditEvent, names: References) -> list[Change]:
    """The fields an event set or changed, in words. Left out: unchanged fields, empty values
    set for the first time, and fields the event recorded only before (the sentence says what
    became of them) unless it removed the whole thing."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    currency = str(after.get("currency") or before.get("currency") or "")
    changes = []
    for key in [*after, *(k for k in before if k not in after and not after)]:
        if key in HIDDEN or before.get(key) == after.get(key):
            continue
        if key not in before and after[key] in (None, "", [], {}):
            continue
        old = words(key, before[key], names, currency) if key in before else ""
        new = words(key, after[key], names, currency) if key in after else "removed"
        changes.append(Change(label_of(key), old, new))
    return changes

"""Telling creators about their payouts (in the portal and by e-mail).

Called by the run engine after commit; each function takes the org id and payout ids and is
safe to call twice for the same payouts (one notification per payout and event: the event key
names the payout, the event and the run or hold it belongs to)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.tenancy import db_scope
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from payments.models import Payout

Message = tuple[str, str, str]  # event key, title, body


def payout_details_url() -> str:
    """Where a creator fixes their payout details, once that page exists ("" until then)."""
    try:
        return reverse("portal_payout_details")
    except NoReverseMatch:
        return ""


def what_to_do(payout: Payout) -> str:
    """The creator's next step for a held payout, in one sentence."""
    details = payout_details_url()
    where = f" at {details}" if details else gettext(" in the portal")
    return gettext(
        "If it is about your payout details or tax form, please complete "
        "them%(where)s; otherwise reply to your brand success manager in your "
        "program's messages."
    ) % {"where": where}


def _label(payout: Payout) -> str:
    return f"{payout.amount} {payout.currency}"


def _program(payout: Payout) -> str:
    return payout.enrollment.program.name


def _scheduled(payout: Payout) -> Message:
    when = (
        f"{payout.expected_on:%Y-%m-%d}" if payout.expected_on else gettext("the next payment run")
    )
    return (
        f"payout:{payout.pk}:scheduled:{payout.run_id or 0}",
        (
            gettext("Your payout of %(label)s is scheduled for %(when)s")
            % {"label": _label(payout), "when": when}
        ),
        (
            gettext(
                "Your payout of %(label)s for %(program)s (%(value)s) is scheduled for %(when)s."
            )
            % {
                "label": _label(payout),
                "program": _program(payout),
                "value": payout.explanation or payout.get_reason_display(),
                "when": when,
            }
        ),
    )


def _paid(payout: Payout) -> Message:
    paid_on = timezone.localdate(payout.paid_at) if payout.paid_at else timezone.localdate()
    return (
        f"payout:{payout.pk}:paid",
        (
            gettext("Your payout of %(label)s was paid on %(paid_on)s")
            % {"label": _label(payout), "paid_on": format(paid_on, "%Y-%m-%d")}
        ),
        f"Your payout of {_label(payout)} for {_program(payout)} was paid on {paid_on:%Y-%m-%d}."
        + (f" Reference: {payout.provider_reference}." if payout.provider_reference else ""),
    )


def _held(payout: Payout) -> Message:
    hold = getattr(payout, "last_hold_id", None) or 0
    reason = payout.hold_reason or "Your brand success manager needs to check something."
    return (
        f"payout:{payout.pk}:held:{hold}",
        (gettext("Your payout of %(label)s is on hold") % {"label": _label(payout)}),
        (
            gettext(
                "Your payout of %(label)s for %(program)s is on hold: %(reason)s %(what_to_do)s"
            )
            % {
                "label": _label(payout),
                "program": _program(payout),
                "reason": reason,
                "what_to_do": what_to_do(payout),
            }
        ),
    )


def _tell(
    organization_id: int,
    payout_ids: Iterable[int],
    message: Callable[[Payout], Message],
) -> int:
    ids = list(payout_ids)
    if not ids:
        return 0
    sent = 0
    # Called after commit, outside the caller's scope: open the org's own. No state filter:
    # the run may already have moved a scheduled payout on; the creator still hears of it.
    with db_scope(org_ids=[organization_id]):
        payouts = (
            Payout.objects.filter(organization_id=organization_id, pk__in=ids)
            .select_related("enrollment__program", "creator__user", "organization")
            .annotate(last_hold_id=Max("ledger__id", filter=Q(ledger__to_state="on_hold")))
            .order_by("pk")
        )
        url = reverse("portal_payouts")
        for payout in payouts:
            user = payout.creator.user
            if user is None:
                continue
            event_key, title, body = message(payout)
            sent += len(
                notify_many(
                    recipients=[user],
                    organization=payout.organization,
                    kind=NotificationKind.PAYOUT,
                    event_key=event_key,
                    title=title,
                    body=body,
                    url=url,
                )
            )
    return sent


def payouts_scheduled(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts were scheduled into a run: tell each creator the amount and date."""
    _tell(organization_id, payout_ids, _scheduled)


def payouts_paid(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts were paid: tell each creator."""
    _tell(organization_id, payout_ids, _paid)


def payouts_held(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts went on hold: tell each creator why and what to do."""
    _tell(organization_id, payout_ids, _held)


def tax_form_decided(*, tax_form: Any) -> None:
    """Tell the creator their tax form was verified or rejected (with the reason), once per
    form. Called inside the deciding transaction (the notification commits with it)."""
    user = tax_form.creator.user
    if user is None:
        return
    kind = tax_form.get_kind_display()
    if tax_form.state == tax_form.State.VERIFIED:
        title = gettext("Your tax form (%(kind)s) is verified") % {"kind": kind}
        body = gettext("%(name)s verified your tax form: you can be paid.") % {
            "name": tax_form.organization.name
        }
    else:
        title = gettext("Your tax form (%(kind)s) was rejected") % {"kind": kind}
        body = gettext(
            "%(name)s could not accept your tax form: %(note)s Please send a new "
            "one with your payout details."
        ) % {"name": tax_form.organization.name, "note": tax_form.note}
    notify_many(
        recipients=[user],
        organization=tax_form.organization,
        kind=NotificationKind.PAYOUT,
        event_key=f"tax_form:{tax_form.pk}:{tax_form.state}",
        title=title,
        body=body,
        url=payout_details_url(),
    )

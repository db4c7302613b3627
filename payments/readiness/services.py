"""Payout readiness: a creator is paid once the org has their payout details and a verified tax
form. Creators set their details and send tax forms in the portal; admins and BSMs verify or
reject the forms. Every change recomputes ``CreatorProfile.payout_ready`` and, when the creator
became ready, releases the payouts that were held for readiness (never those held after repeated
failures)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, Forbidden
from influencer_ops.validation import (
    ACCOUNT_IDENTIFIER_LENGTH,
    ACCOUNT_NAME_MAX_LENGTH,
    PAYMENT_TEXT_MAX_LENGTH,
    TAX_FORM_REFERENCE_MAX_LENGTH,
)
from influencers.models import CreatorProfile
from organizations.models import Membership
from organizations.permissions import can_manage_payouts
from payments.errors import FieldsInvalid
from payments.ledger import payouts_move_bulk
from payments.models import PayoutDetails, PayoutState, TaxForm
from payments.notify import tax_form_decided
from payments.runs.schedule import expected_payment_date, schedule_for

# Every hold for readiness starts with this, so a release never touches other holds.
READINESS_HOLD = "Waiting for payout readiness: "
ADD_DETAILS = "Add your payout details in the portal."
SEND_TAX_FORM = "Send your tax form."
AWAITING_VERIFICATION = "Your tax form is awaiting verification."
SEND_NEW_TAX_FORM = "Your tax form was rejected: send a new one."
IDENTIFIER_LENGTH = ACCOUNT_IDENTIFIER_LENGTH


class ReadinessInvalid(FieldsInvalid):
    """Invalid payout details or tax form; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors, " ".join(m for messages in errors.values() for m in messages))


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reasons: list[str]

    @property
    def hold_reason(self) -> str:
        return "" if self.ready else READINESS_HOLD + " ".join(self.reasons)


def readiness_from(details: PayoutDetails | None, tax_forms: Iterable[TaxForm]) -> Readiness:
    """Readiness from what is already loaded (no queries): what the creator still has to do."""
    states = {form.state for form in tax_forms}
    reasons = [] if details is not None else [ADD_DETAILS]
    if TaxForm.State.VERIFIED not in states:
        if TaxForm.State.RECEIVED in states:
            reasons.append(AWAITING_VERIFICATION)
        elif TaxForm.State.REJECTED in states:
            reasons.append(SEND_NEW_TAX_FORM)
        else:
            reasons.append(SEND_TAX_FORM)
    return Readiness(not reasons, reasons)


def creators_readiness(creators: Sequence[CreatorProfile]) -> dict[int, Readiness]:
    """{creator id: readiness} for creators of one org, in two queries whatever their number."""
    if not creators:
        return {}
    org_id = creators[0].organization_id
    ids = [creator.pk for creator in creators]
    with_details = set(
        PayoutDetails.objects.filter(organization_id=org_id, creator_id__in=ids).values_list(
            "creator_id", flat=True
        )
    )
    forms: dict[int, list[TaxForm]] = {pk: [] for pk in ids}
    for form in TaxForm.objects.filter(organization_id=org_id, creator_id__in=ids).only(
        "creator_id", "state"
    ):
        forms[form.creator_id].append(form)
    marker = PayoutDetails()  # stands for "present"; readiness_from only tests for None
    return {pk: readiness_from(marker if pk in with_details else None, forms[pk]) for pk in ids}


def creator_readiness(creator: CreatorProfile) -> tuple[bool, list[str]]:
    """(ready, what the creator still has to do) for one creator."""
    readiness = creators_readiness([creator])[creator.pk]
    return readiness.ready, readiness.reasons


# --- the creator's side ---


def _require_own(creator: CreatorProfile, actor: Any) -> None:
    # Where money goes is set by the creator alone, never on their behalf.
    if actor is None or creator.user_id is None or creator.user_id != actor.pk:
        raise Forbidden(gettext("Only the creator sets their payout details and tax forms."))


def _clean_details(method: str, account_name: str, account_identifier: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    name = (account_name or "").strip()
    identifier = (account_identifier or "").strip()
    if method not in PayoutDetails.Method.values:
        errors["method"] = ["Choose bank transfer or PayPal."]
    if not name:
        errors["account_name"] = ["Enter the name on the account."]
    elif len(name) > ACCOUNT_NAME_MAX_LENGTH:
        errors["account_name"] = [f"At most {ACCOUNT_NAME_MAX_LENGTH} characters."]
    if method == PayoutDetails.Method.BANK:
        identifier = "".join(identifier.split()).upper()  # IBANs are often written in groups
    low, high = IDENTIFIER_LENGTH
    if not low <= len(identifier) <= high:
        errors["account_identifier"] = [f"Enter {low} to {high} characters."]
    elif method == PayoutDetails.Method.PAYPAL:
        try:
            validate_email(identifier)
        except ValidationError:
            errors["account_identifier"] = ["PayPal needs the account's e-mail address."]
    if errors:
        raise ReadinessInvalid(errors)
    return name, identifier


@transaction.atomic
def payout_details_set(
    *, creator: CreatorProfile, actor: Any, method: str, account_name: str, account_identifier: str
) -> PayoutDetails:
    """The creator sets (or replaces) where they are paid by this org. The audit trail keeps
    only the masked account. May release held payouts (see ``readiness_refresh``)."""
    _require_own(creator, actor)
    name, identifier = _clean_details(method, account_name, account_identifier)
    details = (
        PayoutDetails.objects.select_for_update()
        .filter(organization_id=creator.organization_id, creator=creator)
        .first()
    )
    before = None if details is None else {"method": details.method, "account": details.masked}
    if details is None:
        details = PayoutDetails(organization_id=creator.organization_id, creator=creator)
    details.method, details.account_name, details.account_identifier = method, name, identifier
    details.save()
    audit_record(
        organization=creator.organization,
        actor=actor,
        verb=AuditVerb.PAYOUT_DETAILS_SET,
        target=details,
        before=before,
        after={"method": method, "account": details.masked},
    )
    readiness_refresh(creator=creator, actor=actor)
    return details


@transaction.atomic
def tax_form_submit(*, creator: CreatorProfile, actor: Any, kind: str, reference: str) -> TaxForm:
    """The creator sends a tax form; it waits for an admin or BSM to verify it."""
    _require_own(creator, actor)
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in TaxForm.Kind.values:
        errors["kind"] = ["Choose the kind of form."]
    if not reference:
        errors["reference"] = ["Enter the form's reference."]
    elif len(reference) > TAX_FORM_REFERENCE_MAX_LENGTH:
        errors["reference"] = [f"At most {TAX_FORM_REFERENCE_MAX_LENGTH} characters."]
    if errors:
        raise ReadinessInvalid(errors)
    form = TaxForm.objects.create(
        organization_id=creator.organization_id, creator=creator, kind=kind, reference=reference
    )
    audit_record(
        organization=creator.organization,
        actor=actor,
        verb=AuditVerb.TAX_FORM_SUBMITTED,
        target=form,
        after={"kind": kind, "state": form.state},
    )
    readiness_refresh(creator=creator, actor=actor)
    return form


# --- the team's side ---


def _decide(
    tax_form: TaxForm, actor: Any, membership: Membership | None, target: str, note: str
) -> TaxForm:
    if membership is None or membership.organization_id != tax_form.organization_id:
        raise Forbidden(gettext("Your role does not allow deciding on tax forms."))
    if not can_manage_payouts(membership):
        raise Forbidden(gettext("Only admins and BSMs verify or reject tax forms."))
    locked = (
        TaxForm.objects.select_for_update(of=("self",))
        .select_related("creator__organization", "creator__user", "organization")
        .get(pk=tax_form.pk, organization_id=tax_form.organization_id)
    )
    if locked.state != TaxForm.State.RECEIVED:
        raise Conflict(
            gettext("This tax form is already %(lower)s.")
            % {"lower": locked.get_state_display().lower()}
        )
    locked.state, locked.note = target, note
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["state", "note", "decided_by", "decided_at"])
    audit_record(
        organization=locked.creator.organization,
        actor=actor,
        verb=AuditVerb(f"tax_form.{target}"),
        target=locked,
        before={"state": TaxForm.State.RECEIVED},
        after={"state": target, **({"note": note} if note else {})},
    )
    readiness_refresh(creator=locked.creator, actor=actor)
    tax_form_decided(tax_form=locked)
    return locked


@transaction.atomic
def tax_form_verify(*, tax_form: TaxForm, actor: Any, membership: Membership | None) -> TaxForm:
    """Admins and BSMs (``can_manage_payouts``; else ``Forbidden``) verify a received form."""
    return _decide(tax_form, actor, membership, TaxForm.State.VERIFIED, "")


@transaction.atomic
def tax_form_reject(
    *, tax_form: TaxForm, actor: Any, membership: Membership | None, note: str
) -> TaxForm:
    """Reject a received form, saying why (the creator reads the note)."""
    note = (note or "").strip()
    if not note:
        raise ReadinessInvalid({"note": ["Tell the creator why the form is rejected."]})
    if len(note) > PAYMENT_TEXT_MAX_LENGTH:
        raise ReadinessInvalid({"note": [f"At most {PAYMENT_TEXT_MAX_LENGTH} characters."]})
    return _decide(tax_form, actor, membership, TaxForm.State.REJECTED, note)


# --- readiness and the payouts held for it ---


def readiness_refresh(*, creator: CreatorProfile, actor: Any | None = None) -> Readiness:
    """Recompute ``payout_ready`` (audited when it changes). Ready: the creator's payouts held
    for readiness become earned with a new expected date. Not ready: their hold reasons say
    what is still missing. Payouts held after failing ``max_failures`` times stay held."""
    readiness = creators_readiness([creator])[creator.pk]
    if creator.payout_ready != readiness.ready:
        CreatorProfile.objects.filter(pk=creator.pk).update(payout_ready=readiness.ready)
        audit_record(
            organization=creator.organization,
            actor=actor,
            verb=AuditVerb.CREATOR_PAYOUT_READY,
            target=creator,
            before={"payout_ready": creator.payout_ready},
            after={"payout_ready": readiness.ready, "missing": readiness.reasons},
        )
        creator.payout_ready = readiness.ready
    schedule = schedule_for(organization=creator.organization)
    held = creator.payouts.filter(
        organization_id=creator.organization_id,
        state=PayoutState.ON_HOLD,
        hold_reason__startswith=READINESS_HOLD,
        failure_count__lt=schedule.max_failures,
    )
    if not readiness.ready:
        held.exclude(hold_reason=readiness.hold_reason).update(hold_reason=readiness.hold_reason)
        return readiness
    payouts_move_bulk(
        organization_id=creator.organization_id,
        payout_ids=list(held.values_list("pk", flat=True)),
        source=PayoutState.ON_HOLD,
        target=PayoutState.EARNED,
        actor=actor,
        memo=gettext("Payout details and a verified tax form are in: released."),
        hold_reason="",
        expected_on=expected_payment_date(organization=creator.organization),
    )
    return readiness

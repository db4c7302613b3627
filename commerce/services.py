"""Discount codes and the org's order settings (the webhook secret, the clawback policy)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.commission.services import settings_for
from commerce.models import DISCOUNT_CODE_MAX_LENGTH, CommerceSettings, DiscountCode
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, FieldError
from programs.models import Enrollment

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")


@transaction.atomic
def discount_code_add(*, enrollment: Enrollment, code: str, actor: Any) -> DiscountCode:
    """Give ``enrollment`` a discount code (upper-case; unique in the org: 409 if taken)."""
    code = (code or "").strip().upper()
    if not code or len(code) > DISCOUNT_CODE_MAX_LENGTH or not CODE_RE.match(code):
        raise FieldError(
            "code",
            gettext(
                "A code is 1 to %(max)s letters, digits, dashes or underscores, starting with a "
                "letter or digit."
            )
            % {"max": DISCOUNT_CODE_MAX_LENGTH},
        )
    try:
        with transaction.atomic():
            made = DiscountCode.objects.create(
                organization_id=enrollment.organization_id,
                enrollment=enrollment,
                code=code,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise Conflict(gettext("The code %(code)s is already in use.") % {"code": code}) from None
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.DISCOUNT_CODE_ADDED,
        target=made,
        after={"enrollment": enrollment.pk, "code": code},
    )
    return made


@transaction.atomic
def discount_code_deactivate(*, code: DiscountCode, actor: Any) -> DiscountCode:
    """Stop a code attributing new orders (orders already attributed stay)."""
    updated = DiscountCode.objects.filter(pk=code.pk, active=True).update(active=False)
    if not updated:
        raise Conflict(gettext("This code is already inactive."))
    code.active = False
    audit_record(
        organization=code.organization,
        actor=actor,
        verb=AuditVerb.DISCOUNT_CODE_DEACTIVATED,
        target=code,
        before={"active": True},
        after={"active": False},
    )
    return code


@transaction.atomic
def secret_rotate(*, organization: Any, actor: Any) -> CommerceSettings:
    """A new webhook secret; the old one stops verifying at once."""
    found = settings_for(organization_id=organization.pk)
    found.shopify_secret = secrets.token_hex(32)
    found.secret_rotated_at = timezone.now()
    found.save(update_fields=["shopify_secret", "secret_rotated_at", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.COMMERCE_SECRET_ROTATED,
        target=found,
    )
    return found


@transaction.atomic
def settings_update(
    *, organization: Any, actor: Any, clawback_commissions: bool
) -> CommerceSettings:
    found = settings_for(organization_id=organization.pk)
    before = {"clawback_commissions": found.clawback_commissions}
    found.clawback_commissions = bool(clawback_commissions)
    found.save(update_fields=["clawback_commissions", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.COMMERCE_SETTINGS_CHANGED,
        target=found,
        before=before,
        after={"clawback_commissions": found.clawback_commissions},
    )
    return found

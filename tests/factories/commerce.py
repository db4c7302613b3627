"""Factories of the commerce app: order settings, discount codes, orders, refunds, commissions.

These build bare rows for the model checks; real orders come in through ``commerce.orders``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commerce.models import (
    CommerceSettings,
    Commission,
    CommissionClawback,
    CommissionState,
    DiscountCode,
    Order,
    OrderRefund,
    OrderSource,
    UnattributedReason,
)
from tests.factories.base import TenantFactory, same_org
from tests.factories.organizations import OrganizationFactory
from tests.factories.programs import EnrollmentFactory, TermsVersionFactory


class CommerceSettingsFactory(TenantFactory[CommerceSettings]):
    class Meta:
        model = CommerceSettings

    organization = factory.SubFactory(OrganizationFactory)
    shopify_secret = factory.Sequence(lambda n: f"{n:064x}")


class DiscountCodeFactory(TenantFactory[DiscountCode]):
    class Meta:
        model = DiscountCode

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    code = factory.Sequence(lambda n: f"CODE{n}")


class OrderFactory(TenantFactory[Order]):
    """An unattributed API order (no reference)."""

    class Meta:
        model = Order

    organization = factory.SubFactory(OrganizationFactory)
    source = OrderSource.API
    source_order_id = factory.Sequence(lambda n: f"order-{n}")
    placed_at = factory.LazyFunction(timezone.now)
    currency = "USD"
    gross_value = Decimal("120.00")
    net_value = Decimal("100.00")
    unattributed_reason = UnattributedReason.NO_REFERENCE
    payload_hash = factory.Sequence(lambda n: f"{n:064x}")


class OrderRefundFactory(TenantFactory[OrderRefund]):
    class Meta:
        model = OrderRefund

    organization = factory.SubFactory(OrganizationFactory)
    order = same_org(OrderFactory)
    source_refund_id = factory.Sequence(lambda n: f"refund-{n}")
    amount = Decimal("10.00")
    refunded_at = factory.LazyFunction(timezone.now)
    payload_hash = factory.Sequence(lambda n: f"{n:064x}")


class CommissionFactory(TenantFactory[Commission]):
    """A pending commission on an order attributed (by link) to an enrollment with terms."""

    class Meta:
        model = Commission

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    terms_version = factory.LazyAttribute(
        lambda o: o.enrollment.terms_version or TermsVersionFactory(enrollment=o.enrollment)
    )
    order = factory.LazyAttribute(
        lambda o: OrderFactory(
            organization=o.organization,
            enrollment=o.enrollment,
            attributed_via="link",
            unattributed_reason="",
            currency=o.terms_version.snapshot["currency"],
        )
    )
    amount = Decimal("10.00")
    currency = factory.LazyAttribute(lambda o: o.terms_version.snapshot["currency"])
    state = CommissionState.PENDING
    pending_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CommissionClawbackFactory(TenantFactory[CommissionClawback]):
    """An outstanding clawback of a commission earned (and paid) before its order's refund."""

    class Meta:
        model = CommissionClawback

    organization = factory.SubFactory(OrganizationFactory)
    commission = factory.SubFactory(
        CommissionFactory,
        organization=factory.SelfAttribute("..organization"),
        state=CommissionState.CLAWED_BACK,
    )
    enrollment = factory.LazyAttribute(lambda o: o.commission.enrollment)
    amount = Decimal("5.00")
    currency = factory.LazyAttribute(lambda o: o.commission.currency)
    booked_at = factory.LazyFunction(timezone.now)

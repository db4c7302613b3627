"""Reads of orders, commissions and discount codes (each in one org)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commerce.models import DiscountCode, Order


def orders_for_org(*, organization: Any) -> QuerySet[Order]:
    return (
        Order.objects.filter(organization_id=organization.pk)
        .select_related("commission")
        .order_by("-placed_at", "-id")
    )


def discount_codes_for_org(*, organization: Any) -> QuerySet[DiscountCode]:
    return DiscountCode.objects.filter(organization_id=organization.pk).order_by("code")


def discount_codes_of(*, enrollment: Any) -> list[DiscountCode]:
    return list(
        DiscountCode.objects.filter(
            organization_id=enrollment.organization_id, enrollment=enrollment
        ).order_by("-active", "code")
    )

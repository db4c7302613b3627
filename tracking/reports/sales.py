"""Sales and return on spend: attributed orders, revenue, commission, ROI and cost per
acquisition, per program and per creator (one row per creator in a program).

Definitions (the page's footnote says the same):

- **orders** — attributed orders in the program's currency not refunded in full;
- **revenue** — their net order value (before tax and shipping) less refunds, a refund reducing
  the net value in proportion to the gross (``Order.remaining_net``);
- **commission** — commission pending or earned on those orders, less what was clawed back;
- **spend** — every payout not cancelled, in the program's currency: flat fees, click pay,
  bonuses, termination pay *and* commission payouts. Pending commission is not spend until it is
  earned into a payout;
- **ROI** — revenue ÷ spend (none without spend); **CPA** — spend ÷ orders (none without orders);
- orders in another currency are kept, never converted: counted apart as ``other_currency``.

Each table is one query (correlated subqueries per row), however many rows it has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from commerce.models import Commission, CommissionState, Order
from influencer_ops.validation import REPORT_MONEY_DIGITS
from organizations.models import Brand, Organization
from payments.models import Payout, PayoutState
from programs.models import Enrollment, Program

CENT = Decimal("0.01")
MONEY: DecimalField[Any, Any] = DecimalField(
    max_digits=REPORT_MONEY_DIGITS[0], decimal_places=REPORT_MONEY_DIGITS[1]
)
COMMISSION_STATES = (
    CommissionState.PENDING,
    CommissionState.EARNED,
    CommissionState.CLAWED_BACK,
)


@dataclass(frozen=True)
class SalesRow:
    """One program, or one creator in one program."""

    program_id: int
    program: str
    currency: str
    orders: int
    revenue: Decimal
    commission: Decimal
    spend: Decimal
    other_currency: int = 0
    enrollment_id: int | None = None
    creator: str = ""

    @property
    def roi(self) -> Decimal | None:
        """Revenue ÷ spend, to two places (None without spend)."""
        return (self.revenue / self.spend).quantize(CENT) if self.spend else None

    @property
    def cpa(self) -> Decimal | None:
        """Spend ÷ orders, to the cent (None without orders)."""
        return (self.spend / self.orders).quantize(CENT) if self.orders else None


def _remaining_net() -> Case:
    share = ExpressionWrapper(
        F("net_value") * (F("gross_value") - F("refunded_value")) / F("gross_value"),
        output_field=MONEY,
    )
    return Case(
        When(gross_value__gt=0, then=share), default=Value(Decimal("0")), output_field=MONEY
    )


def _correlated(queryset: QuerySet[Any], link: dict[str, Any], total: Any, output: Any) -> Any:
    rows = (
        queryset.filter(**link)
        .order_by()
        .values(next(iter(link)))
        .annotate(total=total)
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=output), Value(0), output_field=output)


def _annotations(owner: str, currency: str) -> dict[str, Any]:
    """The sales figures of the outer row: ``owner`` links an order/commission/payout to it
    (``enrollment__program`` or ``enrollment``), ``currency`` is the outer row's currency."""
    org = {"organization_id": OuterRef("organization_id")}
    same = {owner: OuterRef("pk"), "currency": OuterRef(currency), **org}
    kept = Order.objects.filter(refunded_value__lt=F("gross_value"))
    commissions = Commission.objects.filter(state__in=COMMISSION_STATES)
    payouts = Payout.objects.exclude(state=PayoutState.CANCELLED)
    other = Order.objects.filter(~Q(currency=OuterRef(currency)))
    ints: IntegerField[Any, Any] = IntegerField()
    return {
        "sales_orders": _correlated(kept, same, Count("pk"), ints),
        "sales_revenue": _correlated(Order.objects.all(), same, Sum(_remaining_net()), MONEY),
        "sales_commission": _correlated(
            commissions, same, Sum(F("amount") - F("clawback_amount")), MONEY
        ),
        "sales_spend": _correlated(payouts, same, Sum("amount"), MONEY),
        "sales_other": _correlated(other, {owner: OuterRef("pk"), **org}, Count("pk"), ints),
    }


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def program_sales(
    *, organization: Organization, brands: Iterable[Brand] | None = None
) -> list[SalesRow]:
    """Per program (of ``brands``, or all), by name. One query."""
    programs = Program.objects.filter(organization=organization)
    if brands is not None:
        programs = programs.filter(brand__in=[brand.pk for brand in brands])
    rows = programs.annotate(**_annotations("enrollment__program", "currency")).order_by(
        "name", "pk"
    )
    return [
        SalesRow(
            program_id=p.pk,
            program=p.name,
            currency=p.currency,
            orders=p.sales_orders,
            revenue=_money(p.sales_revenue),
            commission=_money(p.sales_commission),
            spend=_money(p.sales_spend),
            other_currency=p.sales_other,
        )
        for p in cast(Iterable[Any], rows)
    ]


def creator_sales(
    *,
    organization: Organization,
    brands: Iterable[Brand] | None = None,
    program: Program | None = None,
) -> list[SalesRow]:
    """Per creator in a program (of ``brands``, or one ``program``), the best revenue first;
    only creators with an order or a payout. One query."""
    enrollments = Enrollment.objects.filter(organization=organization)
    if brands is not None:
        enrollments = enrollments.filter(program__brand__in=[brand.pk for brand in brands])
    if program is not None:
        enrollments = enrollments.filter(program=program)
    rows = (
        enrollments.annotate(**_annotations("enrollment", "program__currency"))
        .filter(Q(sales_orders__gt=0) | Q(sales_spend__gt=0) | Q(sales_other__gt=0))
        .select_related("program", "creator")
        .order_by("-sales_revenue", "creator__display_name", "pk")
    )
    return [
        SalesRow(
            program_id=e.program_id,
            program=e.program.name,
            currency=e.program.currency,
            orders=e.sales_orders,
            revenue=_money(e.sales_revenue),
            commission=_money(e.sales_commission),
            spend=_money(e.sales_spend),
            other_currency=e.sales_other,
            enrollment_id=e.pk,
            creator=e.creator.display_name,
        )
        for e in cast(Iterable[Any], rows)
    ]

"""Payouts (recorded through the ledger), the ledger itself, runs, schedules, readiness."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from payments import ledger
from payments.models import (
    LedgerEntry,
    LedgerTransaction,
    PaymentRun,
    PaymentSchedule,
    Payout,
    PayoutDetails,
    PayoutPunctuality,
    PayoutReason,
    PayoutState,
    PayoutTotal,
    SandboxPayment,
    TaxForm,
)
from tests.factories.base import TenantFactory, same_org
from tests.factories.influencers import CreatorProfileFactory
from tests.factories.organizations import OrganizationFactory
from tests.factories.programs import EnrollmentFactory, TermsVersionFactory


class PayoutFactory(TenantFactory[Payout]):
    """An earned flat-fee payout of an enrollment under its current terms (made if it has
    none), recorded with its ledger transaction through ``payments.ledger.payout_record``."""

    class Meta:
        model = Payout

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    creator = factory.SelfAttribute("enrollment.creator")
    terms_version = factory.LazyAttribute(
        lambda o: o.enrollment.terms_version or TermsVersionFactory(enrollment=o.enrollment)
    )
    amount = Decimal("100.00")
    currency = factory.LazyAttribute(lambda o: o.terms_version.snapshot["currency"])
    reason = PayoutReason.FLAT_FEE
    state = PayoutState.EARNED
    earn_key = factory.Sequence(lambda n: f"earn-{n}")

    @classmethod
    def _create(cls, model_class: type[Payout], *args: Any, **kwargs: Any) -> Payout:
        return ledger.payout_record(payout=model_class(*args, **kwargs))


class LedgerTransactionFactory(TenantFactory[LedgerTransaction]):
    """A bare transaction row; real moves go through ``payments.ledger``."""

    class Meta:
        model = LedgerTransaction

    organization = factory.SubFactory(OrganizationFactory)
    payout = same_org(PayoutFactory)
    to_state = factory.SelfAttribute("payout.state")


class LedgerEntryFactory(TenantFactory[LedgerEntry]):
    """A zero entry: every statement into the ledger must balance on its own (a database
    trigger), so a single entry can only be worth nothing."""

    class Meta:
        model = LedgerEntry

    organization = factory.SubFactory(OrganizationFactory)
    transaction = same_org(LedgerTransactionFactory)
    account = "expense"
    amount = Decimal("0.00")
    currency = factory.SelfAttribute("transaction.payout.currency")


class PaymentScheduleFactory(TenantFactory[PaymentSchedule]):
    class Meta:
        model = PaymentSchedule

    organization = factory.SubFactory(OrganizationFactory)


class PaymentRunFactory(TenantFactory[PaymentRun]):
    """A completed manual run (an org has at most one open run)."""

    class Meta:
        model = PaymentRun

    organization = factory.SubFactory(OrganizationFactory)
    state = PaymentRun.State.COMPLETED
    trigger = PaymentRun.Trigger.MANUAL
    provider = "sandbox"


class PayoutDetailsFactory(TenantFactory[PayoutDetails]):
    class Meta:
        model = PayoutDetails

    organization = factory.SubFactory(OrganizationFactory)
    creator = same_org(CreatorProfileFactory)
    method = PayoutDetails.Method.BANK
    account_name = factory.SelfAttribute("creator.display_name")
    account_identifier = factory.Sequence(lambda n: f"DE{n:020d}")


class TaxFormFactory(TenantFactory[TaxForm]):
    class Meta:
        model = TaxForm

    organization = factory.SubFactory(OrganizationFactory)
    creator = same_org(CreatorProfileFactory)
    kind = TaxForm.Kind.W9
    reference = factory.Sequence(lambda n: f"W9-{n}")


class SandboxPaymentFactory(TenantFactory[SandboxPayment]):
    class Meta:
        model = SandboxPayment

    organization = factory.SubFactory(OrganizationFactory)
    idempotency_key = factory.Sequence(lambda n: f"pay-{n}")
    payout_id = factory.Sequence(lambda n: n + 1)
    amount = Decimal("100.00")
    currency = "USD"
    reference = factory.Sequence(lambda n: f"sandbox-{n}")


class PayoutPunctualityFactory(TenantFactory[PayoutPunctuality]):
    """A punctuality row as the database's triggers keep it (the app never writes one)."""

    class Meta:
        model = PayoutPunctuality

    organization = factory.SubFactory(OrganizationFactory)
    promised_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    paid_on = None
    count = 1


class PayoutTotalFactory(TenantFactory[PayoutTotal]):
    """A totals row as the database's triggers keep it (the app never writes one)."""

    class Meta:
        model = PayoutTotal

    organization = factory.SubFactory(OrganizationFactory)
    currency = "EUR"
    state = PayoutState.PAID
    count = 1
    amount = Decimal("100.00")

"""Payout providers: where money leaves. One interface, two providers.

* ``SandboxProvider`` (development and tests) keeps its own books (``SandboxPayment``): every call
  is recorded under its idempotency key, a repeated key returns the first result and only
  counts the call, like a real provider's idempotency. It can be told — per org, through the
  shared (Redis) cache, so a worker process sees it — to refuse a payout, to time out (the
  payment is booked but the answer is lost: the outcome is unknown to us) or to answer slowly.
* ``CsvExportProvider`` pays nothing itself: it writes one CSV of the run's payouts for an
  accountant to load into the bank or payroll; an admin then confirms the export
  (``payments.runs.services.run_confirm_export``).

The run engine calls ``pay_many`` per chunk; the default calls ``pay`` per payout.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext

from influencer_ops.csv_export import csv_text
from influencer_ops.tenancy import db_scope
from payments.models import PaymentRun, Payout, PayoutDetails, ProviderName


@dataclass(frozen=True)
class ProviderResult:
    ok: bool
    reference: str = ""
    error: str = ""


class ProviderTimeout(Exception):
    """The provider did not answer: the payment may or may not have gone out. The payout stays
    processing and is sent again later with the same idempotency key."""


class PayoutProvider:
    name: str = ""
    # True: ``pay`` only books the payout into an export; it is paid on confirmation.
    confirms_later: bool = False

    def pay(self, *, payout: Payout, idempotency_key: str) -> ProviderResult:
        raise NotImplementedError

    def pay_many(self, payouts: Sequence[Payout]) -> dict[int, ProviderResult | None]:
        """{payout id: result}; ``None`` = timed out (outcome unknown)."""
        results: dict[int, ProviderResult | None] = {}
        for payout in payouts:
            try:
                results[payout.pk] = self.pay(
                    payout=payout, idempotency_key=str(payout.idempotency_key)
                )
            except ProviderTimeout:
                results[payout.pk] = None
        return results


# ---------------------------------------------------------------------------------------------
# Sandbox


def _sandbox_key(organization_id: int) -> str:
    return f"payments:sandbox:{int(organization_id)}"


SANDBOX_TTL = 24 * 3600


def sandbox_config(organization_id: int) -> dict[str, Any]:
    return dict(cache.get(_sandbox_key(organization_id)) or {})


def _sandbox_save(organization_id: int, config: dict[str, Any]) -> None:
    cache.set(_sandbox_key(organization_id), config, SANDBOX_TTL)


def sandbox_fail(*, organization_id: int, payout_id: int, error: str = "Account closed") -> None:
    """Refuse ``payout_id`` (every attempt) with ``error``."""
    config = sandbox_config(organization_id)
    config.setdefault("fail", {})[int(payout_id)] = error
    _sandbox_save(organization_id, config)


def sandbox_timeout(*, organization_id: int, payout_id: int, times: int = 1) -> None:
    """Book the next ``times`` calls for ``payout_id`` but lose the answer (``ProviderTimeout``)."""
    config = sandbox_config(organization_id)
    config.setdefault("timeout", {})[int(payout_id)] = int(times)
    _sandbox_save(organization_id, config)


def sandbox_slow(*, organization_id: int, milliseconds: int) -> None:
    """Answer every call after ``milliseconds`` (0: at once)."""
    config = sandbox_config(organization_id)
    config["slow_ms"] = int(milliseconds)
    _sandbox_save(organization_id, config)


BOOK_SQL = """
INSERT INTO payments_sandboxpayment
    (organization_id, idempotency_key, payout_id, amount, currency, reference, calls, created_at)
SELECT %s, k, p, a, c, 'SBX-' || k, 1, now()
  FROM unnest(%s::text[], %s::bigint[], %s::numeric[], %s::text[]) AS v(k, p, a, c)
ON CONFLICT (idempotency_key)
DO UPDATE SET calls = payments_sandboxpayment.calls + 1
RETURNING idempotency_key, reference
"""


class SandboxProvider(PayoutProvider):
    name = ProviderName.SANDBOX

    def _book(self, organization_id: int, payouts: Sequence[Payout]) -> dict[str, str]:
        """Book the payments on the provider's side (one statement, committed on its own when
        called outside a transaction: the provider's books survive our crash)."""
        if not payouts:
            return {}
        with db_scope(org_ids=[organization_id]), connection.cursor() as cursor:
            cursor.execute(
                BOOK_SQL,
                [
                    organization_id,
                    [str(p.idempotency_key) for p in payouts],
                    [p.pk for p in payouts],
                    [p.amount for p in payouts],
                    [p.currency for p in payouts],
                ],
            )
            return {key: reference for key, reference in cursor.fetchall()}

    def _decide(self, config: dict[str, Any], payout: Payout) -> tuple[str, ProviderResult | None]:
        """("fail" | "timeout" | "book", a refusal)."""
        error = (config.get("fail") or {}).get(payout.pk)
        if error:
            return "fail", ProviderResult(ok=False, error=str(error))
        if (config.get("timeout") or {}).get(payout.pk):
            return "timeout", None
        return "book", None

    def _use_timeout(self, organization_id: int, payout_id: int) -> None:
        config = sandbox_config(organization_id)
        left = int((config.get("timeout") or {}).get(payout_id, 0)) - 1
        if left > 0:
            config["timeout"][payout_id] = left
        else:
            (config.get("timeout") or {}).pop(payout_id, None)
        _sandbox_save(organization_id, config)

    def pay(self, *, payout: Payout, idempotency_key: str) -> ProviderResult:
        if payout.idempotency_key != idempotency_key:
            payout.idempotency_key = idempotency_key
        result = self.pay_many([payout])[payout.pk]
        if result is None:
            raise ProviderTimeout(
                gettext("The sandbox did not answer for payout %(pk)s.") % {"pk": payout.pk}
            )
        return result

    def pay_many(self, payouts: Sequence[Payout]) -> dict[int, ProviderResult | None]:
        if not payouts:
            return {}
        organization_id = payouts[0].organization_id
        config = sandbox_config(organization_id)
        slow = int(config.get("slow_ms") or 0)
        results: dict[int, ProviderResult | None] = {}
        plain: list[Payout] = []
        for payout in payouts:
            verdict, refusal = self._decide(config, payout)
            if verdict == "fail":
                results[payout.pk] = refusal
            elif verdict == "timeout" or slow:
                # One by one: each booking is committed before the (lost or slow) answer.
                self._book(organization_id, [payout])
                if verdict == "timeout":
                    self._use_timeout(organization_id, payout.pk)
                    results[payout.pk] = None
                    continue
                time.sleep(slow / 1000)
                results[payout.pk] = ProviderResult(
                    ok=True, reference=f"SBX-{payout.idempotency_key}"
                )
            else:
                plain.append(payout)
        booked = self._book(organization_id, plain)
        for payout in plain:
            results[payout.pk] = ProviderResult(
                ok=True, reference=booked[str(payout.idempotency_key)]
            )
        return results


# ---------------------------------------------------------------------------------------------
# CSV export

CENTS = Decimal("0.01")
EXPORT_HEADERS = (
    "payout_id",
    "creator",
    "account_name",
    "method",
    "account_masked",
    "account_identifier",
    "amount",
    "currency",
    "reference",
)


class CsvExportProvider(PayoutProvider):
    """Books payouts into the run's export; nothing leaves until an admin confirms."""

    name = ProviderName.CSV_EXPORT
    confirms_later = True

    def pay(self, *, payout: Payout, idempotency_key: str) -> ProviderResult:
        return ProviderResult(ok=True, reference=idempotency_key)

    def pay_many(self, payouts: Sequence[Payout]) -> dict[int, ProviderResult | None]:
        return {p.pk: ProviderResult(ok=True, reference=str(p.idempotency_key)) for p in payouts}

    def export(self, *, run: PaymentRun, payouts: Iterable[Payout]) -> str:
        """The CSV of ``payouts`` (with their creator), one row each, account masked. Names and
        the account are typed by people: the shared writer neutralises formula cells."""
        rows = list(payouts)
        details = {
            d.creator_id: d
            for d in PayoutDetails.objects.filter(
                organization_id=run.organization_id, creator_id__in={p.creator_id for p in rows}
            )
        }
        lines = []
        for payout in rows:
            detail = details.get(payout.creator_id)
            lines.append(
                [
                    payout.pk,
                    payout.creator.display_name,
                    detail.account_name if detail else "",
                    detail.get_method_display() if detail else "",
                    detail.masked if detail else "",
                    # The bank needs the full identifier: the file is for the accountant only.
                    detail.account_identifier if detail else "",
                    payout.amount.quantize(CENTS),
                    payout.currency,
                    payout.idempotency_key or "",
                ]
            )
        return csv_text(EXPORT_HEADERS, lines)


PROVIDERS: dict[str, type[PayoutProvider]] = {
    ProviderName.SANDBOX: SandboxProvider,
    ProviderName.CSV_EXPORT: CsvExportProvider,
}


def provider_for(name: str) -> PayoutProvider:
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ValueError(gettext("Unknown payout provider “%(name)s”.") % {"name": name}) from None

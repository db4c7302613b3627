"""The commission part of an accepted terms snapshot, and what an order earns under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
DEFAULT_WINDOW_DAYS = 30
DEFAULT_HOLDING_DAYS = 30


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class CommissionTerms:
    currency: str
    percent: Decimal | None
    fixed: Decimal | None
    window_days: int
    holding_days: int
    cap: Decimal | None

    @classmethod
    def of(cls, snapshot: Any) -> CommissionTerms:
        snapshot = snapshot if isinstance(snapshot, dict) else {}
        return cls(
            currency=str(snapshot.get("currency") or ""),
            percent=_decimal(snapshot.get("commission_percent")),
            fixed=_decimal(snapshot.get("commission_fixed")),
            window_days=int(snapshot.get("commission_window_days") or DEFAULT_WINDOW_DAYS),
            holding_days=int(
                snapshot.get("commission_holding_days")
                if snapshot.get("commission_holding_days") is not None
                else DEFAULT_HOLDING_DAYS
            ),
            cap=_decimal(snapshot.get("commission_cap")),
        )

    @property
    def pays(self) -> bool:
        return bool(self.percent) or bool(self.fixed)

    def amount(self, net: Decimal, *, whole: bool = True) -> Decimal:
        """What an order of ``net`` commissionable value earns (before the cap). ``whole``:
        the order is not refunded in full (the fixed part is per order kept)."""
        total = Decimal(0)
        if self.percent:
            total += net * self.percent / 100
        if self.fixed and whole:
            total += self.fixed
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    def pending_until(self, placed_at: datetime) -> datetime:
        return placed_at + timedelta(days=self.holding_days)

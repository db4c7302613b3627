"""What other apps do at a payment run, without payments importing them.

An app installs a hook at start-up (``AppConfig.ready``); each run calls the hooks in its
org's scope just before it claims what is due, so a payout they record is in that run
(commerce earns the commission whose holding period is over: one payout per enrollment per
run). The same app can install a *plan*: what its hook would record if a run started now,
read without writing, so that a run's preview shows it (``PlannedPayout``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

BeforeClaim = Callable[[Any, Any], object]
_before_claim: list[BeforeClaim] = []


@dataclass(frozen=True)
class PlannedPayout:
    """A payout a run's hook would record when it starts: not yet in the ledger."""

    key: str  # stable while nothing changes (the preview's fingerprint uses it)
    creator_id: int
    creator_name: str
    enrollment_id: int
    program_name: str
    amount: Decimal
    currency: str
    hold_reason: str = ""  # recorded on hold (the creator is not ready to be paid)


Plan = Callable[[Any, Any], list[PlannedPayout]]
_plans: list[Plan] = []


def install_before_claim(hook: BeforeClaim) -> None:
    if hook not in _before_claim:
        _before_claim.append(hook)


def install_plan(plan: Plan) -> None:
    if plan not in _plans:
        _plans.append(plan)


def before_claim(organization: Any, run: Any) -> None:
    for hook in _before_claim:
        hook(organization, run)


def planned_payouts(organization: Any, now: Any) -> list[PlannedPayout]:
    """What the hooks would record if a run started at ``now``, in the org's scope."""
    return [payout for plan in _plans for payout in plan(organization, now)]

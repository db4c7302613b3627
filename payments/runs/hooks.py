"""What other apps do at a payment run, without payments importing them.

An app installs a hook at start-up (``AppConfig.ready``); each run calls the hooks in its
org's scope just before it claims what is due, so a payout they record is in that run
(commerce earns the commission whose holding period is over: one payout per enrollment per
run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BeforeClaim = Callable[[Any, Any], object]
_before_claim: list[BeforeClaim] = []


def install_before_claim(hook: BeforeClaim) -> None:
    if hook not in _before_claim:
        _before_claim.append(hook)


def before_claim(organization: Any, run: Any) -> None:
    for hook in _before_claim:
        hook(organization, run)

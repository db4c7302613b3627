"""The disclosure check: does a caption carry one of the program's disclosure terms?

The rule is a comma-separated list ("#ad, #sponsored, paid partnership"). A term matches
case-insensitively as a whole token: "#ad" finds "#AD," but not "#adventure" nor "#bad";
"paid partnership" finds "Paid   partnership" but not "unpaid partnership".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from programs.models import DEFAULT_DISCLOSURE_RULE

# Each stored match fits the model's ArrayField(CharField(max_length=100)).
MAX_MATCH_LENGTH = 100


@dataclass(frozen=True)
class DisclosureResult:
    passed: bool
    matches: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)


def disclosure_terms(rule: str | None) -> list[str]:
    """The rule's terms, trimmed, inner spaces collapsed, duplicates dropped; the default
    rule when the program's is empty."""
    terms: list[str] = []
    for raw in (rule or "").split(","):
        term = " ".join(raw.split())
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms or disclosure_terms(DEFAULT_DISCLOSURE_RULE)


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "paid partnership" wins over a shorter overlapping term.
    ordered = sorted(terms, key=len, reverse=True)
    words = [r"\s+".join(re.escape(word) for word in term.split(" ")) for term in ordered]
    # Not glued to a word on either side: "#ad" is not found in "#adventure" nor "#bad".
    return re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)


def check_disclosure(text: str | None, rule: str | None) -> DisclosureResult:
    """Passes when any term of ``rule`` occurs in ``text``; ``matches`` holds each distinct
    match as written, in order of appearance."""
    required = disclosure_terms(rule)
    matches: list[str] = []
    seen: set[str] = set()
    for found in _pattern(tuple(required)).finditer(text or ""):
        written = found.group(0)[:MAX_MATCH_LENGTH]
        if written not in seen:
            seen.add(written)
            matches.append(written)
    return DisclosureResult(passed=bool(matches), matches=matches, required=required)

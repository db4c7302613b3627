"""A case's actions as the lines of its history ("Ivy ISM gave a formal warning"), drawn like
every other timeline (``influencer_ops.history``). The creator's page passes only the actions
the creator may see (``selectors.case_actions``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import formats
from django.utils.translation import gettext

from influencer_ops.history import Change, HistoryLine
from programs.models import CaseAction, ComplianceCase

K = CaseAction.Kind
PHRASES: dict[str, str] = {
    K.MESSAGE: "sent a message to the creator",
    K.WARNING: "gave a formal warning",
    K.REMEDY: "asked for a remedy",
    K.TERMS_AMENDMENT: "proposed new terms",
    K.ESCALATION: "escalated the case to the org admins",
    K.NOTE: "added an internal note",
    K.CREATOR_RESPONSE: "responded",
    K.CLOSE: "closed the case as resolved",
    K.TERMINATE: "ended the collaboration",
}
INTERNAL = "Internal: not shown to the creator"


def _terms(action: CaseAction, terms_link: str) -> tuple[Change | None, tuple[str, str] | None]:
    version = action.terms_version
    if version is None:
        return None, None
    if version.accepted_at is not None:
        when = formats.date_format(version.accepted_at, "DATETIME_FORMAT")
        return Change(
            (gettext("Terms version %(number)s") % {"number": version.number}),
            "",
            f"accepted {when}",
        ), None
    link = (terms_link, f"Read and accept version {version.number}") if terms_link else None
    return Change(
        (gettext("Terms version %(number)s") % {"number": version.number}),
        "",
        gettext("awaiting acceptance"),
    ), link


def case_action_line(action: CaseAction, *, staff_view: bool, terms_link: str = "") -> HistoryLine:
    actor = str(action.actor.display_name)
    changes: list[Change] = []
    if action.remedy:
        changes.append(Change("Remedy", "", action.get_remedy_display()))
    if action.due_on:
        changes.append(
            Change(gettext("Due by"), "", formats.date_format(action.due_on, "DATE_FORMAT"))
        )
    terms, link = _terms(action, terms_link)
    if terms is not None:
        changes.append(terms)
    return HistoryLine(
        at=action.created_at,
        actor=actor,
        sentence=f"{actor} {PHRASES.get(action.kind, action.get_kind_display().lower())}",
        changes=changes,
        note=action.text,
        badges=(INTERNAL,) if staff_view and not action.visible_to_creator else (),
        link=link,
        verb=action.kind,
        open=True,  # what is asked of the creator, and by when, is never hidden
    )


def case_history_lines(
    case: ComplianceCase,
    actions: Iterable[CaseAction],
    *,
    staff_view: bool,
    terms_link: str = "",
) -> list[HistoryLine]:
    """The case's story, oldest first: its opening, then each action."""
    what = f"{case.get_kind_display().lower()}, {case.get_severity_display().lower()} severity"
    opener = case.opened_by if staff_view else None  # the creator sees the team, not a name
    actor = str(opener.display_name) if opener is not None else ""
    opened = HistoryLine(
        at=case.created_at,
        actor=actor,
        sentence=(gettext("%(actor)s opened the case: %(what)s") % {"actor": actor, "what": what})
        if actor
        else (gettext("Case opened: %(what)s") % {"what": what}),
        verb="opened",
    )
    return [opened] + [
        case_action_line(a, staff_view=staff_view, terms_link=terms_link) for a in actions
    ]

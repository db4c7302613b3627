"""Compliance cases: guideline or contract breaches and underperformance, with every action
taken (message, warning, remedy, terms amendment, escalation, note, close, termination) and
what the creator is owed when the collaboration ends.

Who may act: brand staff who manage the program's brand (``can_manage_programs``) and the
BSM or admins (``can_work_postlaunch``). Anyone whose role covers the brand may read a case.
The creator sees their own cases without internal notes, and may respond while a case is open.

One module a responsibility; the names callers use are re-exported here (the reads live in
``programs.cases.selectors``; ``STAFF_ACTION_CHOICES`` is named by the OpenAPI settings).
"""

from programs.cases.selectors import case_actions, cases_for_creator, cases_visible_to
from programs.cases.services.actions import case_act, case_respond
from programs.cases.services.common import (
    ACTIVE_CASE_STATES,
    CASE_TRANSITIONS,
    OPENABLE_ENROLLMENT_STATES,
    STAFF_ACTION_CHOICES,
    may_act_on_cases,
    may_open_cases,
)
from programs.cases.services.opening import case_open
from programs.cases.services.termination import Owed, amount_owed_compute, case_terminate

__all__ = [
    "ACTIVE_CASE_STATES",
    "CASE_TRANSITIONS",
    "OPENABLE_ENROLLMENT_STATES",
    "STAFF_ACTION_CHOICES",
    "Owed",
    "amount_owed_compute",
    "case_act",
    "case_actions",
    "case_open",
    "case_respond",
    "case_terminate",
    "cases_for_creator",
    "cases_visible_to",
    "may_act_on_cases",
    "may_open_cases",
]

"""Program pages of the org web app: thin; each calls one service or selector.

- ``base``: the member's program (404 outside their brands) and the manager's (403);
- ``pages``: list, create, the overview tab, brief, deliverables, clone, lifecycle buttons;
- ``tabs``: the tabs that are lists of their own (tasks, payouts, history).
"""

from programs.views.base import PAGE_SIZE, ProgramViewMixin
from programs.views.pages import (
    DeliverableSpecRemoveView,
    ProgramCloneView,
    ProgramCreateView,
    ProgramDeliverablesView,
    ProgramDetailView,
    ProgramEditView,
    ProgramListView,
    ProgramTransitionView,
)
from programs.views.tabs import ProgramHistoryView, ProgramPayoutsView, ProgramTasksView

__all__ = [
    "PAGE_SIZE",
    "DeliverableSpecRemoveView",
    "ProgramCloneView",
    "ProgramCreateView",
    "ProgramDeliverablesView",
    "ProgramDetailView",
    "ProgramEditView",
    "ProgramHistoryView",
    "ProgramListView",
    "ProgramPayoutsView",
    "ProgramTasksView",
    "ProgramTransitionView",
    "ProgramViewMixin",
]

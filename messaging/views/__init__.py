"""Messaging pages: ``desk`` (the success desk: tasks, threads, announcements, due times) and
``portal`` (the creator's questions and threads). The names below are what urls.py uses."""

from messaging.views.desk import (
    AnnouncementCreateView,
    DeskBulkView,
    DeskView,
    StaffThreadListView,
    StaffThreadView,
    TaskClaimView,
    TaskCompleteView,
    TaskReassignView,
    TaskSLAView,
)
from messaging.views.portal import PortalRequestCreateView, PortalThreadView
from messaging.views.tasks import TaskDetailView, TaskWorkView

__all__ = [
    "AnnouncementCreateView",
    "DeskBulkView",
    "DeskView",
    "PortalRequestCreateView",
    "PortalThreadView",
    "StaffThreadListView",
    "StaffThreadView",
    "TaskClaimView",
    "TaskCompleteView",
    "TaskDetailView",
    "TaskReassignView",
    "TaskSLAView",
    "TaskWorkView",
]

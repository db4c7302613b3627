"""Routes of the messaging app: the desk (under orgs/<slug>/desk/), the creator's questions
(under portal/), the bell (under notifications/) and the API (under api/v1/)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from messaging import api, views
from messaging.views import notifications

desk_patterns: list[URLPattern | URLResolver] = [
    path("", views.DeskView.as_view(), name="org_desk"),
    path("tasks/bulk/", views.DeskBulkView.as_view(), name="desk_task_bulk"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="desk_task"),
    path("tasks/<int:pk>/claim/", views.TaskClaimView.as_view(), name="desk_task_claim"),
    path("tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="desk_task_complete"),
    path("tasks/<int:pk>/reassign/", views.TaskReassignView.as_view(), name="desk_task_reassign"),
    path("tasks/<int:pk>/work/<slug:action>/", views.TaskWorkView.as_view(), name="desk_task_work"),
    path("threads/", views.StaffThreadListView.as_view(), name="desk_threads"),
    path("threads/<int:pk>/", views.StaffThreadView.as_view(), name="desk_thread"),
    path("announcements/new/", views.AnnouncementCreateView.as_view(), name="desk_announce"),
    path("due-times/", views.TaskSLAView.as_view(), name="desk_task_sla"),
]

portal_patterns: list[URLPattern | URLResolver] = [
    path("requests/new/", views.PortalRequestCreateView.as_view(), name="portal_request_new"),
    path("threads/<int:pk>/", views.PortalThreadView.as_view(), name="portal_thread"),
]

notification_patterns: list[URLPattern] = [
    path("", notifications.notifications_page, name="notifications"),
    path("read/", notifications.notifications_read, name="notifications_read"),
    path("bell/", notifications.notifications_bell, name="notifications_bell"),
    path("preferences/", notifications.notification_preferences, name="notification_preferences"),
]

router = SimpleRouter()
router.register(rf"{ORG_API}/tasks", api.TaskViewSet, basename="api-task")
router.register(rf"{ORG_API}/threads", api.ThreadViewSet, basename="api-thread")
router.register(r"me/requests", api.CreatorRequestViewSet, basename="api-my-request")
router.register(r"me/threads", api.CreatorThreadViewSet, basename="api-my-thread")

api_patterns: list[URLPattern | URLResolver] = [*router.urls]

"""Hours: the creator's pages in the portal and ``/api/v1/me/time-entries/``."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from programs.hours import api, views

page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = [
    path("enrollments/<int:pk>/hours/", views.PortalHoursView.as_view(), name="portal_hours"),
    path("hours/<int:pk>/", views.PortalHoursEntryView.as_view(), name="portal_hours_entry"),
    path(
        "hours/<int:pk>/delete/", views.PortalHoursDeleteView.as_view(), name="portal_hours_delete"
    ),
]
router = SimpleRouter()
router.register(r"me/time-entries", api.MyTimeEntryViewSet, basename="api-my-time-entry")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]

"""Timeline routes: the team's page (under orgs/<slug>/), the creator's (under portal/) and
both from the API."""

from django.urls import URLPattern, URLResolver, path

from programs.timeline import api, views

page_patterns: list[URLPattern | URLResolver] = [
    path(
        "enrollments/<int:pk>/timeline/",
        views.EnrollmentTimelineView.as_view(),
        name="enrollment_timeline",
    ),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path(
        "enrollments/<int:pk>/timeline/",
        views.PortalTimelineView.as_view(),
        name="portal_enrollment_timeline",
    ),
]
api_patterns: list[URLPattern | URLResolver] = [
    path(
        "orgs/<slug:org_slug>/enrollments/<int:pk>/timeline/",
        api.EnrollmentTimelineViewSet.as_view({"get": "list"}),
        name="api-enrollment-timeline",
    ),
    path(
        "me/enrollments/<int:pk>/timeline/",
        api.MyEnrollmentTimelineViewSet.as_view({"get": "list"}),
        name="api-my-enrollment-timeline",
    ),
]

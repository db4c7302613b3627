"""REST routes of the messaging app (tasks, threads, the creator's requests and threads)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from . import api

ORG = r"orgs/(?P<org_slug>[-a-zA-Z0-9_]+)"
router = SimpleRouter()
router.register(rf"{ORG}/tasks", api.TaskViewSet, basename="api-task")
router.register(rf"{ORG}/threads", api.ThreadViewSet, basename="api-thread")
router.register(r"me/requests", api.CreatorRequestViewSet, basename="api-my-request")
router.register(r"me/threads", api.CreatorThreadViewSet, basename="api-my-thread")

api_patterns: list[URLPattern | URLResolver] = [*router.urls]

"""REST routes of the messaging app (tasks, threads, the creator's requests and threads)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from messaging import api

router = SimpleRouter()
router.register(rf"{ORG_API}/tasks", api.TaskViewSet, basename="api-task")
router.register(rf"{ORG_API}/threads", api.ThreadViewSet, basename="api-thread")
router.register(r"me/requests", api.CreatorRequestViewSet, basename="api-my-request")
router.register(r"me/threads", api.CreatorThreadViewSet, basename="api-my-thread")

api_patterns: list[URLPattern | URLResolver] = [*router.urls]

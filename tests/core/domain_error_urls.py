"""A URLconf for tests/core/test_domain_errors.py: a view that writes, then is refused."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_patterns
from influencer_ops.errors import Conflict


def write_then_refuse(request: HttpRequest) -> HttpResponse:
    get_user_model().objects.create_user(email="half-written@example.test", password="x" * 12)
    raise Conflict("This program is launched already.")


urlpatterns = [path("refuse/", write_then_refuse), *project_patterns]

"""Routes of the tracking app: urls_metrics."""

from django.urls import URLPattern, URLResolver

redirect_patterns: list[URLPattern | URLResolver] = []
page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = []
api_patterns: list[URLPattern | URLResolver] = []

"""Routes of the programs app's content pages and API (filled in by its module)."""

from django.urls import URLPattern, URLResolver

page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = []
api_patterns: list[URLPattern | URLResolver] = []

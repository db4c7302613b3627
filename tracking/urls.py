"""Routes of the tracking app: the /r/<code> redirect, report pages, the portal, the API."""

from django.urls import URLPattern, URLResolver

redirect_patterns: list[URLPattern | URLResolver] = []
page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = []
api_patterns: list[URLPattern | URLResolver] = []

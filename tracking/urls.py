"""Routes of the tracking app: the /r/<code> redirect, report pages, the portal, the API."""

from django.urls import URLPattern, URLResolver, re_path

from . import views_redirect

# Codes are URL-safe base64 (``secrets.token_urlsafe``); anything else is a 404 without a
# look-up. A trailing slash, as pasted by some apps, is accepted.
redirect_patterns: list[URLPattern | URLResolver] = [
    re_path(
        r"^r/(?P<code>[A-Za-z0-9_-]{1,32})/?$",
        views_redirect.tracked_redirect,
        name="tracked_redirect",
    ),
]
page_patterns: list[URLPattern | URLResolver] = []
portal_patterns: list[URLPattern | URLResolver] = []
api_patterns: list[URLPattern | URLResolver] = []

"""The tracked redirect, /r/<code>: the hot path, routed first."""

from django.urls import URLPattern, URLResolver, re_path

from influencer_ops.validation import LINK_CODE_MAX_LENGTH
from tracking.clicks import views as views_redirect

# Codes are URL-safe base64 (``secrets.token_urlsafe``); anything else is a 404 without a
# look-up. A trailing slash, as pasted by some apps, is accepted.
redirect_patterns: list[URLPattern | URLResolver] = [
    re_path(
        rf"^r/(?P<code>[A-Za-z0-9_-]{{1,{LINK_CODE_MAX_LENGTH}}})/?$",
        views_redirect.tracked_redirect,
        name="tracked_redirect",
    ),
]

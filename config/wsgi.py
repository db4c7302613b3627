"""The WSGI application: ``/r/<code>`` through the lean entry point
(``tracking.clicks.lean``: the click path without the framework's request cycle), everything
else — and whatever the lean path hands back — through Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_wsgi_application()

from tracking.clicks.lean import lean_redirects  # noqa: E402  (after Django's set-up)

application = lean_redirects(django_application)

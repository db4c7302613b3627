"""The lean entry point of ``/r/<code>``: a WSGI app in front of Django that answers tracked
redirects without the framework's request cycle (no request object, middleware, URL resolver
or response object), for the throughput of a bare WSGI app.

It runs the same settings and the same click recording (``record_click``: the Redis script,
its PostgreSQL fallback, the bot and repeat rules), and answers with the same 302 as the
Django view (``tracking.clicks.views.tracked_redirect``): the same ``Location``
(``with_attribution``) and the same headers — those the middleware would add are computed once
per process by running Django's own middleware on a template redirect. Everything it does not
answer itself goes to Django, which answers exactly as without it:

- any path outside ``/r/<code>``, methods other than GET and HEAD (405), a host not in
  ``ALLOWED_HOSTS`` (400), an HTTP request when ``SECURE_SSL_REDIRECT`` wants HTTPS;
- unknown or inactive codes: ``record_click`` recorded nothing, and the Django view (whose
  look-up records nothing again) renders the site's 404 page;
- an error while recording (nothing reached the queue: the error came before it), which Django
  then meets and answers (500 page, logging) as usual.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import request_finished
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port, validate_host
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date

from influencer_ops.proxies import client_ip_of
from influencer_ops.validation import LINK_CODE_MAX_LENGTH
from tracking.clicks.services.recording import record_click
from tracking.links.attribution import with_attribution

logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# The Django route's pattern (tracking/clicks/urls.py), trailing slash included.
CODE_PATH = re.compile(rf"/r/([A-Za-z0-9_-]{{1,{LINK_CODE_MAX_LENGTH}}})/?")
ROBOTS = "noindex, nofollow"
# The middleware that adds headers to the redirect, in the order they see the response.
HEADER_MIDDLEWARE = (
    XFrameOptionsMiddleware,
    CommonMiddleware,
    CSPMiddleware,
    SecurityMiddleware,
)
_BODY = [b""]


@functools.lru_cache(maxsize=4096)
def _location(destination: str, code: str) -> str:
    """The view's ``Location`` (``HttpResponseRedirect`` applies ``iri_to_uri``), per link."""
    return iri_to_uri(with_attribution(destination, code))


def redirect_headers(*, secure: bool) -> list[tuple[str, str]]:
    """The headers of the Django view's 302 but ``Location`` and ``Expires`` (which change per
    click): a template redirect through the view's own decorators' header code and the
    response phase of the middleware that adds headers, as Django would send them."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/r/template",
        "SERVER_NAME": "template.invalid",
        "SERVER_PORT": "443" if secure else "80",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(),
    }
    request = WSGIRequest(environ)
    response: HttpResponse = HttpResponseRedirect("/")
    response["X-Robots-Tag"] = ROBOTS
    add_never_cache_headers(response)

    def answer(_: HttpRequest) -> HttpResponse:
        return response

    for middleware_class in HEADER_MIDDLEWARE:
        middleware: Any = middleware_class(answer)
        if isinstance(middleware, CSPMiddleware):
            middleware.process_request(request)
        response = middleware.process_response(request, response)
    return [
        (name, value)
        for name, value in response.items()
        if name.lower() not in {"location", "expires"}
    ]


class LeanRedirects:
    """Dispatches ``/r/<code>`` to the lean path and everything else to ``django_app``."""

    def __init__(self, django_app: WSGIApp) -> None:
        self.django_app = django_app
        # Settings under which Django would answer differently on some requests: leave those
        # requests to it (they are checked per request below) or, here, every request.
        self.enabled = not (settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS)
        self._templates: dict[bool, list[tuple[str, str]]] = {}
        self._hosts: dict[str, bool] = {}
        self._expires: tuple[int, str] = (0, "")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path: str = environ.get("PATH_INFO", "")
        if path.startswith("/r/") and self.enabled:
            answer = self._answer(environ, path)
            if answer is not None:
                start_response("302 Found", answer)
                return _BODY
        return self.django_app(environ, start_response)

    def _answer(self, environ: dict[str, Any], path: str) -> list[tuple[str, str]] | None:
        method = environ.get("REQUEST_METHOD")
        if method != "GET" and method != "HEAD":
            return None
        match = CODE_PATH.fullmatch(path)
        if match is None:
            return None
        secure = self._secure(environ)
        if (settings.SECURE_SSL_REDIRECT and not secure) or not self._host_allowed(environ):
            return None
        code = match.group(1)
        # A HEAD is a link checker, never a person clicking: counted as filtered.
        user_agent = "" if method == "HEAD" else environ.get("HTTP_USER_AGENT", "")
        try:
            click = record_click(code=code, user_agent=user_agent, ip=client_ip_of(environ))
        except Exception:
            logger.warning("The lean redirect failed; Django answers", exc_info=True)
            return None
        finally:
            if connection.connection is not None:
                # The PostgreSQL fallback ran: end the "request" as Django would (closes
                # connections past CONN_MAX_AGE or broken).
                request_finished.send(sender=self.__class__)
        if click is None:
            return None
        location = _location(click.destination, code)
        if not location.startswith(("https://", "http://")):
            return None  # Django checks the scheme (a relative or odd URL): rare, its answer
        template = self._templates.get(secure)
        if template is None:
            template = self._templates[secure] = redirect_headers(secure=secure)
        return [("Location", location), ("Expires", self._expires_now()), *template]

    def _expires_now(self) -> str:
        # ``never_cache``: expires now. The HTTP date has a resolution of one second.
        second = int(time.time())
        if self._expires[0] != second:
            self._expires = (second, http_date(second))
        return self._expires[1]

    @staticmethod
    def _secure(environ: dict[str, Any]) -> bool:
        header = settings.SECURE_PROXY_SSL_HEADER
        if header:
            name, secure_value = header
            value = environ.get(name)
            if value is not None:
                return bool(value.split(",", 1)[0].strip() == secure_value)
        return bool(environ.get("wsgi.url_scheme") == "https")

    def _host_allowed(self, environ: dict[str, Any]) -> bool:
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
            host = environ["HTTP_X_FORWARDED_HOST"]
        else:
            host = environ.get("HTTP_HOST")
        if not host:
            return False  # Django builds it from SERVER_NAME: let it
        allowed = self._hosts.get(host)
        if allowed is None:
            hosts = settings.ALLOWED_HOSTS
            if settings.DEBUG and not hosts:
                hosts = [".localhost", "127.0.0.1", "[::1]"]
            domain, _ = split_domain_port(host)
            allowed = bool(domain) and validate_host(domain, hosts)
            if len(self._hosts) < 1000:
                self._hosts[host] = allowed
        return allowed


def lean_redirects(django_app: WSGIApp) -> LeanRedirects:
    return LeanRedirects(django_app)

"""``/r/<code>``: count the click and send the visitor on, answering from Redis alone.

No login, no session, no database transaction on the normal path (the tenancy middleware lets
``/r/`` through without opening one). Unknown or inactive codes get the site's 404 page and
record nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from influencer_ops.proxies import client_ip
from tracking.clicks.services import record_click
from tracking.links.attribution import with_attribution


@login_not_required
@never_cache
@require_safe
def tracked_redirect(request: HttpRequest, code: str) -> HttpResponse:
    # A HEAD is a link checker, never a person clicking: counted as filtered (no user agent).
    user_agent = "" if request.method == "HEAD" else request.META.get("HTTP_USER_AGENT", "")
    click = record_click(code=code, user_agent=user_agent, ip=client_ip(request))
    if click is None:
        raise Http404(gettext("No such link."))
    response = HttpResponseRedirect(with_attribution(click.destination, code))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

"""The root URLconf: each area's routes come from its features' own urls modules."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import urls as accounts
from accounts.tokens import urls as tokens
from commerce import urls as commerce
from commerce.statements import urls as statements
from config import views
from influencers import urls as creators
from influencers.privacy import urls as privacy
from influencers.values import urls as creator_values
from integrations.webhooks import urls as webhooks
from messaging import urls as messaging
from organizations import urls as organizations
from payments.payouts import urls as payouts
from payments.readiness import urls as readiness
from payments.record import urls as record
from payments.runs import urls as runs
from programs import urls as programs
from programs.calendar import urls as calendar
from programs.cases import urls as cases
from programs.content import urls as content
from programs.deadlines import urls as deadlines
from programs.growth import urls as growth
from programs.hours import urls as hours
from programs.matching import urls as matching
from programs.recruiting import urls as recruiting
from programs.timeline import urls as timeline
from tracking.clicks import urls as clicks
from tracking.metrics import urls as metrics
from tracking.reports import urls as reports

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"

# Staff pages under /orgs/<slug>/ (the desk's own pages under /orgs/<slug>/desk/).
ORG_FEATURES = (
    organizations,
    creators,
    programs,
    recruiting,
    matching,
    content,
    deadlines,
    cases,
    reports,
    metrics,
    runs,
    payouts,
    readiness,
    webhooks,
    tokens,
    calendar,
    timeline,
    commerce,
    statements,
)
# The REST API under /api/v1/: org routes carry the slug, the creator's own live under me/.
API_FEATURES = (
    organizations,
    messaging,
    programs,
    recruiting,
    matching,
    content,
    deadlines,
    cases,
    reports,
    metrics,
    runs,
    payouts,
    readiness,
    record,
    statements,
    creators,
    webhooks,
    privacy,
    timeline,
    growth,
    creator_values,
    hours,
    commerce,
)


def _gather(features: tuple[object, ...], name: str) -> list[URLPattern | URLResolver]:
    return [pattern for feature in features for pattern in getattr(feature, name)]


urlpatterns = [
    path("", include(clicks.redirect_patterns)),  # /r/<code>: first, the hot path
    path("", views.home, name="home"),
    path("orgs/", views.org_switcher, name="org_switcher"),
    path("orgs/<slug:org_slug>/desk/", include(messaging.desk_patterns)),
    path("orgs/<slug:org_slug>/", include(_gather(ORG_FEATURES, "page_patterns"))),
    path("", include(creators.link_patterns)),
    path("invitations/<str:token>/", include(organizations.invitation_patterns)),
    path("portal/", include("portal.urls")),
    path("notifications/", include(messaging.notification_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("hooks/", include(commerce.hook_patterns)),  # signed by the shop, no login
    path("calendar/", include(calendar.feed_patterns)),  # secret feed addresses, no login
    path("accounts/", include(accounts.mfa_patterns)),  # first: TOTP set-up lands at home
    path("accounts/preferences/", include(accounts.preference_patterns)),
    path("accounts/preferences/api-tokens/", include(tokens.account_patterns)),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(_gather(API_FEATURES, "api_patterns"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file: no inline script for CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

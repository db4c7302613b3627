"""Every /portal/ route: the home here, each feature's creator pages from its own urls module."""

from django.urls import URLPattern, URLResolver, path

from accounts.tokens import urls as tokens
from commerce.statements import urls as statements
from influencers import urls as creators
from influencers.privacy import urls as privacy
from influencers.values import urls as creator_values
from messaging import urls as messaging
from payments.payouts import urls as payouts
from payments.readiness import urls as readiness
from payments.runs import urls as runs
from portal import views
from programs.calendar import urls as calendar
from programs.cases import urls as cases
from programs.content import urls as content
from programs.deadlines import urls as deadlines
from programs.growth import urls as growth
from programs.hours import urls as hours
from programs.recruiting import urls as recruiting
from programs.timeline import urls as timeline
from tracking.metrics import urls as metrics
from tracking.reports import urls as reports

FEATURES = (
    messaging,
    creators,
    recruiting,
    content,
    deadlines,
    cases,
    reports,
    metrics,
    runs,
    payouts,
    readiness,
    tokens,
    calendar,
    privacy,
    timeline,
    growth,
    creator_values,
    hours,
    statements,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.PortalHomeView.as_view(), name="portal_home"),
    *(pattern for feature in FEATURES for pattern in feature.portal_patterns),
]

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from influencers import urls as influencer_urls
from messaging import api_urls as messaging_api_urls
from messaging import notification_urls
from messaging import urls as messaging_urls
from organizations import urls as org_urls
from payments import urls_payouts, urls_readiness, urls_runs
from programs import (
    urls_cases,
    urls_content,
    urls_deadlines,
    urls_matching,
    urls_programs,
    urls_recruiting,
)
from tracking import urls as tracking_urls
from tracking import urls_metrics, urls_reports

from . import views

handler403 = "influencer_ops.views.error_403"
handler404 = "influencer_ops.views.error_404"
handler500 = "influencer_ops.views.error_500"

urlpatterns = [
    path("", include(tracking_urls.redirect_patterns)),  # /r/<code>: first, the hot path
    path("", views.home, name="home"),
    path("orgs/", views.org_switcher, name="org_switcher"),
    path("orgs/<slug:org_slug>/", include(org_urls.org_patterns)),
    path("orgs/<slug:org_slug>/desk/", include(messaging_urls.desk_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_programs.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_recruiting.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_matching.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_content.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_deadlines.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_cases.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_reports.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_metrics.page_patterns)),
    path("orgs/<slug:org_slug>/", include(tracking_urls.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_runs.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_payouts.page_patterns)),
    path("orgs/<slug:org_slug>/", include(urls_readiness.page_patterns)),
    path("", include(influencer_urls.page_patterns)),
    path("invitations/<str:token>/", include(org_urls.invitation_patterns)),
    path("portal/", include(messaging_urls.portal_patterns)),
    path("portal/", include(urls_recruiting.portal_patterns)),
    path("portal/", include(urls_content.portal_patterns)),
    path("portal/", include(urls_deadlines.portal_patterns)),
    path("portal/", include(urls_cases.portal_patterns)),
    path("portal/", include(urls_reports.portal_patterns)),
    path("portal/", include(urls_metrics.portal_patterns)),
    path("portal/", include(tracking_urls.portal_patterns)),
    path("portal/", include(urls_runs.portal_patterns)),
    path("portal/", include(urls_payouts.portal_patterns)),
    path("portal/", include(urls_readiness.portal_patterns)),
    path("notifications/", include(notification_urls.notification_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(org_urls.api_patterns)),
    path("api/v1/", include(messaging_api_urls.api_patterns)),
    path("api/v1/", include(urls_programs.api_patterns)),
    path("api/v1/", include(urls_recruiting.api_patterns)),
    path("api/v1/", include(urls_matching.api_patterns)),
    path("api/v1/", include(urls_content.api_patterns)),
    path("api/v1/", include(urls_deadlines.api_patterns)),
    path("api/v1/", include(urls_cases.api_patterns)),
    path("api/v1/", include(urls_reports.api_patterns)),
    path("api/v1/", include(urls_metrics.api_patterns)),
    path("api/v1/", include(tracking_urls.api_patterns)),
    path("api/v1/", include(urls_runs.api_patterns)),
    path("api/v1/", include(urls_payouts.api_patterns)),
    path("api/v1/", include(urls_readiness.api_patterns)),
    path("api/v1/", include(influencer_urls.api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]

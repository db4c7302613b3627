from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from organizations import urls as org_urls

from . import views

handler403 = "influencer_ops.views.error_403"
handler404 = "influencer_ops.views.error_404"
handler500 = "influencer_ops.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/", views.org_switcher, name="org_switcher"),
    path("orgs/<slug:org_slug>/", include(org_urls.org_patterns)),
    path("invitations/<str:token>/", include(org_urls.invitation_patterns)),
    path("portal/", views.portal_home, name="portal_home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(org_urls.api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]

"""The creator's data: the portal page, the download link, and the /api/v1/me/ endpoints."""

from django.urls import URLPattern, URLResolver, path

from influencers.privacy import api, views

# Under /portal/.
portal_patterns: list[URLPattern | URLResolver] = [
    path("data/", views.PortalDataView.as_view(), name="portal_data"),
    path("data/erase/", views.PortalErasureView.as_view(), name="portal_data_erase"),
    path(
        "data/download/<str:token>/",
        views.PortalDataDownloadView.as_view(),
        name="portal_data_download",
    ),
]

api_patterns: list[URLPattern | URLResolver] = [
    path("me/data-export/", api.MyDataExportView.as_view(), name="api_my_data_export"),
    path("me/erasure/", api.MyErasureView.as_view(), name="api_my_erasure"),
]

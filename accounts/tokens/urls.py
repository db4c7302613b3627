from django.urls import path

from accounts.tokens import views

# /accounts/preferences/api-tokens/ (config/urls.py), beside the preferences page.
account_patterns = [
    path("", views.my_tokens, name="account_api_tokens"),
]
page_patterns = [
    path("api-tokens/", views.OrgTokensView.as_view(), name="org_api_tokens"),
]
portal_patterns = [
    path("api-tokens/", views.PortalTokensView.as_view(), name="portal_api_tokens"),
]

"""Account pages of our own, mounted under /accounts/ ahead of allauth's."""

from django.urls import path

from accounts import views

# Same path and name as allauth's: ours answers first (config/urls.py includes it before).
mfa_patterns = [
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
]
preference_patterns = [
    path("", views.preferences, name="account_preferences"),
]

from django.urls import path

from accounts import views

preference_patterns = [
    path("", views.preferences, name="account_preferences"),
]

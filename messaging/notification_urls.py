"""Pages for the signed-in user's notifications (the bell) and preferences."""

from django.urls import URLPattern, path

from messaging import notifications_views as views

notification_patterns: list[URLPattern] = [
    path("", views.notifications_page, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("bell/", views.notifications_bell, name="notifications_bell"),
    path("preferences/", views.notification_preferences, name="notification_preferences"),
]

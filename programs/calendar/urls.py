from django.urls import path

from programs.calendar import views

page_patterns = [
    path(
        "programs/<int:pk>/calendar/",
        views.ProgramCalendarView.as_view(),
        name="program_calendar",
    ),
]
portal_patterns = [
    path("calendar/", views.CreatorCalendarView.as_view(), name="portal_calendar"),
]
# /calendar/<token>.ics (config/urls.py): the secret address calendar apps subscribe to.
feed_patterns = [
    path("<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

from django.urls import path

from messaging import views

desk_patterns = [
    path("", views.DeskView.as_view(), name="org_desk"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="desk_task"),
    path("tasks/<int:pk>/claim/", views.TaskClaimView.as_view(), name="desk_task_claim"),
    path("tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="desk_task_complete"),
    path("tasks/<int:pk>/reassign/", views.TaskReassignView.as_view(), name="desk_task_reassign"),
    path("threads/", views.StaffThreadListView.as_view(), name="desk_threads"),
    path("threads/<int:pk>/", views.StaffThreadView.as_view(), name="desk_thread"),
    path("announcements/new/", views.AnnouncementCreateView.as_view(), name="desk_announce"),
    path("due-times/", views.TaskSLAView.as_view(), name="desk_task_sla"),
]

portal_patterns = [
    path("requests/new/", views.PortalRequestCreateView.as_view(), name="portal_request_new"),
    path("threads/<int:pk>/", views.PortalThreadView.as_view(), name="portal_thread"),
]

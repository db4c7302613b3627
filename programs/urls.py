"""Program pages (org app) and the programs API."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs import api, views

page_patterns: list[URLPattern | URLResolver] = [
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", views.ProgramCreateView.as_view(), name="program_create"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", views.ProgramEditView.as_view(), name="program_edit"),
    path(
        "programs/<int:pk>/deliverables/",
        views.ProgramDeliverablesView.as_view(),
        name="program_deliverables",
    ),
    path(
        "programs/<int:pk>/deliverables/<int:spec_pk>/remove/",
        views.DeliverableSpecRemoveView.as_view(),
        name="program_deliverable_remove",
    ),
    path("programs/<int:pk>/clone/", views.ProgramCloneView.as_view(), name="program_clone"),
    path("programs/<int:pk>/tasks/", views.ProgramTasksView.as_view(), name="program_tasks"),
    path("programs/<int:pk>/payouts/", views.ProgramPayoutsView.as_view(), name="program_payouts"),
    path("programs/<int:pk>/history/", views.ProgramHistoryView.as_view(), name="program_history"),
    *(
        path(
            f"programs/<int:pk>/{move.replace('_', '-')}/",
            views.ProgramTransitionView.as_view(move=move),
            name=f"program_{move}",
        )
        for move in views.ProgramTransitionView.moves
    ),
]

router = SimpleRouter()
router.register(rf"{ORG_API}/programs", api.ProgramViewSet, basename="api-program")
router.register(
    rf"{ORG_API}/programs/(?P<program_pk>[0-9]+)/deliverable-specs",
    api.DeliverableSpecViewSet,
    basename="api-program-deliverable-spec",
)

api_patterns: list[URLPattern | URLResolver] = [*router.urls]

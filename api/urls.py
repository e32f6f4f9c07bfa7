"""/api/v1/…: every endpoint is named in namespace "api" (tests/test_scope_matrix.py has a rule for each)."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("organisations/", views.OrganizationList.as_view(), name="organization-list"),
    path("dossiers/", views.DossierList.as_view(), name="dossier-list"),
    path("dossiers/<int:pk>/", views.DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<int:pk>/documents/", views.DossierDocuments.as_view(), name="dossier-documents"),
    path("dossiers/<int:pk>/steps/<str:step>/", views.StepView.as_view(), name="dossier-step"),
    path("documents/<int:pk>/pdf/", views.DocumentPdf.as_view(), name="document-pdf"),
    path("candidates/", views.CandidateCreate.as_view(), name="candidate-create"),
    path("tasks/inbox/", views.InboxList.as_view(), name="task-inbox"),
    path("tasks/queue/", views.QueueList.as_view(), name="task-queue"),
    path("tasks/<int:pk>/claim/", views.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/unassign/", views.TaskUnassign.as_view(), name="task-unassign"),
    path("tasks/<int:pk>/reassign/", views.TaskReassign.as_view(), name="task-reassign"),
    path("quotas/", views.QuotaView.as_view(), name="quotas"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]

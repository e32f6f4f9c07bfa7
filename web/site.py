"""The viewflow frontend: one Site ("Phát triển đảng viên") with the dossier Application."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from . import views


class DossierApplication(Application):
    """Hồ sơ kết nạp: list, page, step forms, the candidate and dossier forms."""

    app_name = "dossiers"
    title = _("Admission dossiers")
    icon = "folder_shared"
    menu_template_name = "web/menu.html"

    index_path = path("", views.DossierListView.as_view(), name="index")
    create_path = path("new/", views.CandidateCreateView.as_view(), name="create")
    detail_path = path("<int:pk>/", views.DossierDetailView.as_view(), name="detail")
    edit_path = path("<int:pk>/edit/", views.DossierUpdateView.as_view(), name="edit")
    candidate_path = path("<int:pk>/candidate/", views.CandidateUpdateView.as_view(), name="candidate")
    step_path = path("<int:pk>/act/<str:step>/", views.StepView.as_view(), name="step")


class PartySite(Site):
    # One application: its own menu is enough, the site's list of applications is left out.
    menu_template_name = None
    index_path = path("", views.HomeView.as_view(), name="index")


site = PartySite(title=_("Party member development"), viewsets=[DossierApplication()])

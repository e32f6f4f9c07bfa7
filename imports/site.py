"""Nhập dữ liệu: import organisations, rosters and candidates from Excel, inside the app's shell."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views


class ImportApplication(Application):
    app_name = "imports"
    title = _("Data import")
    icon = "upload_file"
    url_prefix = "imports"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", views.ImportIndexView.as_view(), name="index")
    template_path = path("template/", views.TemplateDownloadView.as_view(), name="template")
    export_path = path("export/<int:pk>/", views.SubtreeExportView.as_view(), name="export")
    run_path = path("<int:pk>/", views.ImportRunView.as_view(), name="run")
    confirm_path = path("<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm")

"""Xuất dữ liệu: the new members for the party-member database, the supplement list, the export log."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views


class ExportApplication(Application):
    app_name = "exports"
    title = _("Data exports")
    icon = "file_download"
    url_prefix = "exports"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", views.ExportView.as_view(), name="index")
    log_path = path("log/", views.ExportLogView.as_view(), name="log")
    record_path = path("log/<int:pk>/", views.ExportRecordView.as_view(), name="record")

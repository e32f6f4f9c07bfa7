"""Văn bản: the official forms (KNĐ) generated from a dossier, issued, frozen and bundled."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views


class DocumentApplication(Application):
    app_name = "documents"
    title = _("Official documents")
    icon = "description"
    url_prefix = "documents"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", views.BatchIndexView.as_view(), name="index")
    batch_path = path("batches/<int:job_id>/", views.BatchView.as_view(), name="batch")
    batch_download_path = path("batches/<int:job_id>/download/", views.BatchDownloadView.as_view(),
                               name="batch_download")
    dossier_path = path("dossier/<int:pk>/", views.DossierDocumentsView.as_view(), name="dossier")
    issue_path = path("dossier/<int:pk>/issue/<slug:slug>/", views.IssueView.as_view(), name="issue")
    draft_path = path("dossier/<int:pk>/draft/<slug:slug>/", views.DraftView.as_view(), name="draft")
    upload_path = path("dossier/<int:pk>/scans/", views.ScanUploadView.as_view(), name="upload")
    bundle_path = path("dossier/<int:pk>/bundle.pdf", views.BundleView.as_view(), name="bundle")
    issued_path = path("issued/<int:doc_id>/", views.IssuedDocumentView.as_view(), name="issued")
    scan_path = path("scans/<int:scan_id>/", views.ScanView.as_view(), name="scan")
    minutes_path = path("meetings/<int:meeting_id>/minutes.pdf", views.MeetingMinutesView.as_view(), name="minutes")

"""Chỉ tiêu và thống kê: quotas per organisation and year, progress, the report table, dashboards."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from . import views


class ReportApplication(Application):
    app_name = "reports"
    title = _("Quotas and statistics")
    icon = "insights"
    url_prefix = "reports"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", views.DashboardView.as_view(), name="index")
    report_path = path("report/", views.ReportView.as_view(), name="report")
    report_xlsx_path = path("report.xlsx", views.ReportView.as_view(output="xlsx"), name="report_xlsx")
    report_pdf_path = path("report.pdf", views.ReportView.as_view(output="pdf"), name="report_pdf")
    ranking_path = path("ranking/", views.RankingView.as_view(), name="ranking")
    quotas_path = path("quotas/", views.AllocationView.as_view(), name="quotas")
    quota_edit_path = path("quotas/<int:pk>/<int:year>/", views.QuotaEditView.as_view(), name="quota_edit")

"""Chỉ tiêu và thống kê: quotas per organisation and year, progress, the report table, dashboards."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application


class ReportApplication(Application):
    app_name = "reports"
    title = _("Quotas and statistics")
    icon = "insights"
    url_prefix = "reports"
    menu_template_name = "web/menu.html"

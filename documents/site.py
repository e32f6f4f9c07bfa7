"""Văn bản: the official forms (KNĐ) generated from a dossier, issued, frozen and bundled."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application


class DocumentApplication(Application):
    app_name = "documents"
    title = _("Official documents")
    icon = "description"
    url_prefix = "documents"
    menu_template_name = "web/menu.html"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """The page pieces every page package shares: the shell's mixin, the form base and fields,
    the Vietnamese filters, the link makers. It imports no page package (web, documents, reports)."""

    name = "ui"
    verbose_name = _("Page pieces")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The server-rendered pages, inside viewflow's frontend shell."""

    name = "web"
    verbose_name = _("Web pages")

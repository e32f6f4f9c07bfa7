from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflow")

    def ready(self):
        from . import sync  # noqa: F401  (connects the dossier signal)

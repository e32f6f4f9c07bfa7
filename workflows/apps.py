from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflow")

    def ready(self):
        # Connect the receivers: the dossier's changes move its tasks (sync), an assignment tells
        # the assignee (notify), a task changed recounts its owners' badges (badge).
        from . import badge, notify, sync  # noqa: F401

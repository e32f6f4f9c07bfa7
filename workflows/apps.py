from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflow")

    def ready(self):
        from viewflow.workflow.managers import TaskIterable

        from dossiers import prepared

        # Connect the receivers: the dossier's changes move its tasks (sync), an assignment tells
        # the assignee (notify), a task changed recounts its owners' badges (badge).
        from . import badge, notify, sync  # noqa: F401

        # viewflow's tasks' iterable builds what Django's does unless asked to coerce the rows
        # (`coerce_for`): the tasks' hot queries kept by `dossiers.prepared` build them the same way.
        prepared.plain_iterable(TaskIterable)

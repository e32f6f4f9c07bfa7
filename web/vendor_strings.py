"""Strings of viewflow's shell that our pages show. viewflow ships no Vietnamese catalogue, so these
msgids are listed here for makemessages and translated in locale/vi with the project's own."""

from django.utils.translation import gettext_noop, pgettext_lazy

VIEWFLOW_STRINGS = [
    gettext_noop("Log out"),
    gettext_noop("Login"),
    gettext_noop("Log in"),
    gettext_noop("Profile"),
    gettext_noop("Applications"),
    gettext_noop("Back"),
    gettext_noop("Change"),
    gettext_noop("Filter"),
    gettext_noop("Pick an action"),
]

# viewflow.workflow.status.STATUS: a task's status as the dossier page's process view and timeline
# show it (`task.get_status_display()`), in viewflow's own context "STATUS".
VIEWFLOW_TASK_STATUSES = [
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Started"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Error"),
]

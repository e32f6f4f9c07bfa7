"""The admission process as the dossier page shows it: the process's tasks in one query, the flow's
human steps in order with the current ones highlighted, the task history (merged by the page with
the dossier's own history), and viewflow's chart as a server-rendered SVG.

`dossiers` never imports viewflow; the web views ask here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.db.models import BooleanField, Count, F, Func, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import chart
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from dossiers import prepared
from dossiers.models import Dossier

from .flows import AdmissionFlow, StepTask
from .selectors import HELD_STATUSES, HUMAN

OPEN_STATUSES = {STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED}
ENDED_STATUSES = {STATUS.DONE, STATUS.CANCELED}

# The chart's gateways and events: viewflow titles them from the node's name, in English.
NODE_TITLES = {
    "start": _("The candidate is put on the source list"),
    "prepare_dossier": _("The dossier is prepared in parallel"),
    "dossier_ready": _("The dossier is complete"),
    "branch_passed": _("Did the cell vote pass?"),
    "needs_appraisal": _("Is the cell under a sub-committee?"),
    "needs_grassroots_resolution": _("Is there a grassroots committee?"),
    "grassroots_passed": _("Did the grassroots committee agree?"),
    "admitted": _("Was admission approved?"),
    "probation": _("Probation: the tasks run in parallel"),
    "probation_over": _("Probation is over"),
    "recognition_outcome": _("Outcome of the recognition vote"),
    "needs_grassroots_recognition": _("Is there a grassroots committee?"),
    "not_admitted": _("Not admitted"),
    "finished": _("Finished"),
}
EDGE_LABELS = {"yes": _("yes"), "no": _("no")}


def process_tasks(dossier: Dossier, *, viewer=None) -> list[Task]:
    """Every task of the dossier's admission process, oldest first, with its owner, its deadline
    and its process: one query (joined through the process's artifact, no content-type lookup).

    With `viewer` (the dossier page and its timeline), each row also carries `viewer_inbox`, the
    viewer's open-task count that the menu's badge shows (`workflows.selectors.inbox_count`),
    computed by the same query; and the rows carry only the columns those pages read
    (`PAGE_COLUMNS`, the others load on first access)."""
    # Its SQL written once per process (`dossiers.prepared`): the same query on every page, whose
    # compiling cost more CPU than PostgreSQL's answer. The parameters in the compiler's order: the
    # badge's subquery (in the SELECT) first, then the WHERE's.
    flow = _flow_reference()
    where = [Dossier._meta.app_label, Dossier._meta.model_name, dossier.pk, flow]
    with_viewer = viewer is not None and viewer.is_authenticated
    if with_viewer:
        # Planned once per connection on PostgreSQL (issue 21: planning it cost the server ~0.8 ms,
        # eight times running it). The held statuses are written in the SQL (`InConstants`): as
        # parameters, PostgreSQL's plan for any values could not use the partial index of held
        # tasks (`task_held_owner`), cost more than a plan for the values, and was never kept.
        return prepared.rows("workflows.page.process_tasks.viewer", Task,
                             lambda: _process_tasks(dossier, viewer),
                             [HUMAN, viewer.pk, 0, *where], server_prepared=True)
    return prepared.rows("workflows.page.process_tasks", Task, lambda: _process_tasks(dossier, None), where)


# What the dossier page and its timeline read of the tasks (`process_view`, `web.presenters`'
# timeline and process panel): the task's node, type, status and times, its owner's name, its
# process's status and end, its deadline's day. The tasks' and processes' JSON data, the users'
# password hashes and the rest were read and turned into Python for nothing.
PAGE_COLUMNS = (
    "flow_task", "flow_task_type", "status", "created", "finished", "owner_id", "process_id",
    "owner__username", "owner__first_name", "owner__last_name",
    "process__status", "process__finished",
    "deadline__task_id", "deadline__due_on",
)


class InConstants(Func):
    """`field IN ('A', 'B')` with the values written in the SQL (constants of the code, quoted
    here), not bound as parameters: a prepared statement's one plan can then use a partial index
    whose condition names them."""

    output_field = BooleanField()

    def __init__(self, field: str, values):
        self.values = tuple(str(getattr(v, "value", v)) for v in values)
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        constants = ", ".join("'" + value.replace("'", "''") + "'" for value in self.values)
        return f"{column} IN ({constants})", params


@cache
def _flow_reference() -> str:
    """The flow as its process rows store it (viewflow's reference string)."""
    return Process._meta.get_field("flow_class").get_prep_value(AdmissionFlow)


def _process_tasks(dossier: Dossier, viewer) -> QuerySet[Task]:
    queryset = (
        Task.objects.filter(
            process__flow_class=AdmissionFlow,
            process__artifact_content_type__app_label=Dossier._meta.app_label,
            process__artifact_content_type__model=Dossier._meta.model_name,
            process__artifact_object_id=dossier.pk,
        )
        .select_related("owner", "process", "deadline")
        .order_by("created", "pk")
    )
    if viewer is not None:
        held = (
            Task.objects.filter(InConstants("status", HELD_STATUSES), flow_task_type=HUMAN, owner=viewer.pk)
            .order_by().values("owner").annotate(n=Count("pk")).values("n")
        )
        queryset = queryset.only(*PAGE_COLUMNS).annotate(viewer_inbox=Coalesce(Subquery(held), 0))
    return queryset


def remember_inbox_count(request, tasks: list[Task]) -> None:
    """Hand the badge's count from `process_tasks(viewer=…)` to the menu's `open_task_count` tag
    (web/templatetags/task_tags.py), which keeps it on the request: the page saves that query."""
    if tasks and hasattr(tasks[0], "viewer_inbox"):
        request._open_task_count = tasks[0].viewer_inbox


@cache
def human_nodes() -> tuple[StepTask, ...]:
    """The flow's human tasks in the order the chart reads them (topological)."""
    nodes, _reversed = chart.topsort(AdmissionFlow)
    return tuple(node for node in nodes if isinstance(node, StepTask))


def status_label(status: str) -> str:
    """viewflow's own label of a task status ("New", "Done"…), translated in locale/vi."""
    try:
        return str(STATUS(status).label)
    except ValueError:
        return status


def due_on(task: Task) -> dt.date | None:
    deadline = getattr(task, "deadline", None)
    return deadline.due_on if deadline is not None else None


@dataclass
class StepRow:
    """A human step of the flow and where the case stands on it."""

    name: str
    title: str
    state: str  # "current", "done", "canceled", "waiting" (not reached yet), "skipped" (not on this case's path)
    tasks: list[Task] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return self.state == "current"

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.status in OPEN_STATUSES]

    @property
    def last(self) -> Task | None:
        return self.tasks[-1] if self.tasks else None


@dataclass
class ProcessView:
    steps: list[StepRow]
    history: list[Task]  # the human tasks that ended (done or cancelled), oldest first
    started: bool
    finished: dt.datetime | None
    status: str = ""

    @property
    def current(self) -> list[StepRow]:
        return [s for s in self.steps if s.current]


def process_view(tasks: list[Task]) -> ProcessView:
    """The steps in flow order with their state, from the tasks of `process_tasks` (no query)."""
    by_node: dict[str, list[Task]] = {}
    for task in tasks:
        by_node.setdefault(task.flow_task.name, []).append(task)
    steps = []
    for node in human_nodes():
        own = by_node.get(node.name, [])
        statuses = {t.status for t in own}
        if statuses & OPEN_STATUSES:
            state = "current"
        elif STATUS.DONE in statuses:
            state = "done"
        elif STATUS.CANCELED in statuses:
            state = "canceled"
        else:
            state = "waiting"
        steps.append(StepRow(name=node.name, title=force_str(node.task_title), state=state, tasks=own))
    # A step never reached while a later one was (no sub-committee, say) is off this case's path.
    reached = [i for i, step in enumerate(steps) if step.state != "waiting"]
    for step in steps[: reached[-1] if reached else 0]:
        if step.state == "waiting":
            step.state = "skipped"
    history = [t for t in tasks if isinstance(t.flow_task, StepTask) and t.status in ENDED_STATUSES]
    process = tasks[0].process if tasks else None
    return ProcessView(
        steps=steps, history=history, started=process is not None,
        finished=process.finished if process else None, status=process.status if process else "",
    )


def task_title(task: Task) -> str:
    return force_str(task.flow_task.task_title)


def chart_svg(tasks: list[Task]) -> str:
    """viewflow's chart of the admission flow (`viewflow.workflow.chart`), each node coloured by
    its task's status as viewflow's own process chart does, the open ones outlined as current; in
    Vietnamese (node titles are gettext, the gateways and edge labels are translated here)."""
    grid = chart.calc_layout_data(AdmissionFlow)
    current = set()
    for task in tasks:  # oldest first: a later task of the same node wins, as in viewflow
        cell = grid[task.flow_task]
        if not (cell.status is not None and task.status == STATUS.NEW):
            cell.status = task.status
        if task.status in OPEN_STATUSES:
            current.add(task.flow_task.name)
    for cell in grid.cells:
        if not isinstance(cell.node, StepTask):
            title = NODE_TITLES.get(cell.node.name)
            cell.title = force_str(title) if title else None
    for edge in grid.edges:
        if edge.label in EDGE_LABELS:
            edge.label = force_str(EDGE_LABELS[edge.label])
    return render_to_string("web/process_chart.svg", {
        "grid": grid, "cells": grid.cells, "edges": grid.edges, "current": current,
    })

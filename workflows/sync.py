"""Keeps the dossier's processes in step with it, inside the service's transaction.

The dossier's services are the only way its state changes; each sends `dossier_changed`. Here the
admission process starts with the dossier, every open task whose work the dossier now shows done
is finished (by the user who did it) — in the admission process and in the periodic evaluations
alike — the gateways after it read the outcome, deadlines that read the changed facts move, and
when the case ends early (withdrawn, rejected) the tasks still open are cancelled.

Every human task gets its deadline when it is created (`on_task_created`, on the task's save).

The walk from a finished task to the next ones, and a process's start, are `workflows.engine`'s: the
step worked out in memory from the tasks read under the lock and written in one statement
(PostgreSQL); viewflow's activations take what the engine declines (`_finish_all`, `node.run`).
"""

from __future__ import annotations

import contextvars
import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from dossiers import prepared
from dossiers.models import FINAL_STATES, Dossier, Mentor, State
from dossiers.signals import dossier_changed

from . import deadlines, engine, snapshot
from .flows import EVALUATION_STATES, AdmissionFlow, EvaluationFlow, StepTask
from .models import AdmissionProcess
from .signals import mail_allowed, task_assigned

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _dossier_type() -> ContentType:
    return ContentType.objects.get_for_model(Dossier)


def process_of(dossier: Dossier) -> AdmissionProcess | None:
    """The dossier's admission process (its periodic evaluations are separate processes)."""
    return AdmissionProcess.objects.filter(
        flow_class=AdmissionFlow,
        artifact_content_type=_dossier_type(),
        artifact_object_id=dossier.pk,
    ).first()


def open_processes(dossier: Dossier) -> list[Process]:
    """Every unfinished process about the dossier: admission and periodic evaluations."""
    return list(Process.objects.filter(
        artifact_content_type=_dossier_type(), artifact_object_id=dossier.pk, finished__isnull=True,
    ).order_by("pk"))


def open_tasks(process) -> list[Task]:
    return list(Task.objects.filter(process=process, status__in=OPEN_STATUSES).order_by("created", "pk"))


def _finish(task: Task, actor) -> None:
    """Finish a human task on behalf of the user whose action did its work.

    The task was read under the lock `advance` holds on its process (as `task.activation()`
    would take it and re-read the task, its process and a savepoint around them, per task)."""
    if task.status not in OPEN_STATUSES:
        return  # finished meanwhile (by another branch of this same synchronisation)
    activation = task.flow_task.activation_class(task)
    if not engine.take_for(task, actor):
        return
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


def _cancel(process: Process, tasks: list[Task]) -> None:
    """Cancel the process and its open `tasks` (read under the lock `advance` holds on it)."""
    for task in tasks:
        if task.process_id == process.pk and task.status in OPEN_STATUSES:
            task.flow_task.activation_class(task).cancel()
    process.status = PROCESS.CANCELED
    process.finished = timezone.now()
    process.save(update_fields=["status", "finished"])


def _open_tasks_of(processes) -> list[Task]:
    """The processes' open tasks, each with its deadline (`recompute` reads them) and its process."""
    by_pk = {p.pk: p for p in processes}
    tasks = list(Task.objects.filter(process_id__in=by_pk, status__in=OPEN_STATUSES)
                 .select_related("deadline").order_by("created", "pk"))
    for task in tasks:
        task.process = by_pk[task.process_id]
    return tasks


def _locked_open_tasks(dossier: Dossier) -> list[Task]:
    """The open tasks of the dossier's unfinished processes (each with its deadline and process),
    those processes locked for the rest of the transaction as viewflow's flow lock does
    (SELECT … FOR UPDATE OF the process rows): one statement. An unfinished process always has an
    open task (a join waiting is one), so none is left out."""
    kind = _dossier_type()
    # Its SQL written once per process (`dossiers.prepared`): the same query at every step; on
    # PostgreSQL planned once per connection too (its parameters are ids and status strings).
    return prepared.rows(
        "workflows.sync.locked_open_tasks", Task,
        lambda: Task.objects.filter(process__artifact_content_type=kind, process__artifact_object_id=dossier.pk,
                                    process__finished__isnull=True, status__in=OPEN_STATUSES)
        .select_related("process", "deadline").select_for_update(of=("process",)).order_by("created", "pk"),
        [kind.pk, dossier.pk, *OPEN_STATUSES], server_prepared=True)


# The tasks viewflow saves while `advance` finishes some (those finished, those it creates next, a
# join it moves): {pk: the instance saved}, so that the open tasks are known without reading them again.
_SAVED: contextvars.ContextVar[dict[int, Task] | None] = contextvars.ContextVar("workflow_saved_tasks", default=None)


def _finish_all(tasks: list[Task], done: list[Task], actor, by_pk: dict[int, Process]) -> list[Task]:
    """Finish `done` and return the processes' open tasks after it: `tasks` as the finishing left
    them, and the ones viewflow created meanwhile, each with its deadline and process."""
    saved: dict[int, Task] = {}
    token = _SAVED.set(saved)
    try:
        with deadlines.batched():
            for task in done:
                if (newer := saved.get(task.pk)) is not None and newer is not task:
                    task.status = newer.status  # moved meanwhile by another branch of this synchronisation
                _finish(task, actor)
    finally:
        _SAVED.reset(token)
    held = {t.pk: t for t in tasks}
    for pk, row in saved.items():
        if pk in held and held[pk] is not row and row.status in OPEN_STATUSES and row.flow_task_type == "HUMAN":
            return _open_tasks_of(by_pk.values())  # another copy of an open task: read them all again
        held[pk] = row
    still_open = []
    for task in held.values():
        if task.status not in OPEN_STATUSES:
            continue
        if task.process_id not in by_pk:
            return _open_tasks_of(by_pk.values())  # a process of another dossier's? read them all again
        task.process = by_pk[task.process_id]
        if not Task.deadline.related.is_cached(task):
            # A new human task has its deadline from `attach` (set on it); a gateway has none.
            Task.deadline.related.set_cached_value(task, None)
        still_open.append(task)
    return sorted(still_open, key=lambda t: (t.created, t.pk))


def advance(dossier: Dossier, actor) -> None:
    """Finish every task whose work is done, until none is; then close what the case no longer
    needs: everything when it ended, the periodic evaluations outside their states.

    The dossier is read once (`snapshot`): finishing tasks changes tasks, never the dossier's
    facts, so one load serves every condition, gateway and deadline of this change."""
    tasks = _locked_open_tasks(dossier)
    if not tasks:
        return
    by_pk: dict[int, Process] = {}
    for task in tasks:
        task.process = by_pk.setdefault(task.process_id, task.process)
    processes = list(by_pk.values())
    fresh = snapshot.current(dossier.pk) or snapshot.load(dossier.pk)
    with snapshot.reading(fresh):
        seen: set[int] = set()
        while True:
            done = [t for t in tasks if t.pk not in seen and isinstance(t.flow_task, StepTask)
                    and t.flow_task.is_done(by_pk[t.process_id], fresh)]
            if not done:
                break
            # A task found not done stays so: the facts do not change while the tasks move.
            seen.update(t.pk for t in tasks)
            # The step in memory and a few writes (`engine`); viewflow's activations where it declines.
            stepped = engine.step(tasks, done, actor, by_pk)
            tasks = stepped if stepped is not None else _finish_all(tasks, done, actor, by_pk)
        ended = fresh.state in FINAL_STATES
        closing = [p for p in processes if ended or (p.flow_class is EvaluationFlow
                                                      and fresh.state not in EVALUATION_STATES)]
        if closing:
            with deadlines.batched():
                for process in closing:
                    # A process the tasks just finished has ended by itself (viewflow set it on this object).
                    if process.finished is None:
                        _cancel(process, tasks)
            tasks = [t for t in tasks if t.status in OPEN_STATUSES]
        deadlines.recompute(fresh, tasks=tasks)


def _start(node, **kwargs):
    """Start a process: by `engine` (the start and the walk after it in one statement), else by viewflow."""
    result = engine.start(node, **kwargs)
    return node.run(**kwargs) if result is engine.DECLINED else result


@receiver(dossier_changed, dispatch_uid="workflows.sync")
def on_dossier_changed(sender, dossier: Dossier, event, actor, **kwargs) -> None:
    token = deadlines.EFFECTIVE_ON.set(event.effective_on)
    try:
        with snapshot.reading(snapshot.of(dossier)):
            if event.action == "create":
                _start(AdmissionFlow.start, dossier=dossier)
            advance(dossier, actor)
    finally:
        deadlines.EFFECTIVE_ON.reset(token)


@receiver(post_save, sender=Task, dispatch_uid="workflows.sync.task_created")
def on_task_created(sender, instance: Task, created: bool, raw: bool = False, **kwargs) -> None:
    """Every human task carries its deadline from the moment it exists; one assigned on creation
    (the mentor's evaluation) tells its owner."""
    if raw:
        return
    if (saved := _SAVED.get()) is not None:
        saved[instance.pk] = instance
    if instance.flow_task_type != "HUMAN":
        return
    if not created:
        if instance.status not in OPEN_STATUSES:
            # Done or cancelled, however (a service, the sweep, viewflow's own admin): the
            # deadline leaves the follow-up lists.
            deadlines.close(instance)
        return
    deadlines.attach(instance)
    if instance.owner_id is not None:
        task_assigned.send(sender=Task, task=instance, user=instance.owner, by=None, mail=mail_allowed())


# --- Periodic evaluations -------------------------------------------------------------------------


def evaluation_months() -> int:
    return int(getattr(settings, "WORKFLOW_EVALUATION_MONTHS", 3))


def due_evaluations(today: dt.date) -> list[tuple[Dossier, dt.date, dt.date]]:
    """(dossier, period start, period end) for each open dossier with an active mentor whose last
    report (or, before any, the mentor's assignment) is more than one period old, and which has no
    evaluation open; the period covers every whole period missed since. Three queries whatever the
    number of dossiers."""
    months = evaluation_months()
    open_evaluations = set(Process.objects.filter(
        flow_class=EvaluationFlow, finished__isnull=True, artifact_content_type=_dossier_type(),
    ).values_list("artifact_object_id", flat=True))
    dossiers = (
        Dossier.objects.filter(state__in=EVALUATION_STATES, mentors__ended_on__isnull=True)
        .exclude(pk__in=open_evaluations)
        .annotate(last_report=Max("progress_reports__period_end"))
        .prefetch_related(Prefetch("mentors", queryset=Mentor.objects.filter(ended_on__isnull=True)))
        .distinct()
    )
    due = []
    for d in dossiers:
        mentors = list(d.mentors.all())
        if not mentors:
            continue
        # The evaluations follow the mentor's assignment; a report (of any stage) resets the clock.
        anchor = max(filter(None, [d.last_report, min(m.assigned_on for m in mentors)]))
        if anchor + relativedelta(months=months) >= today:
            continue
        # One task for everything missed: the period runs to the last period end before today.
        periods = 1
        while anchor + relativedelta(months=months * (periods + 1)) < today:
            periods += 1
        end = anchor + relativedelta(months=months * periods)
        if d.state == State.PROBATION and d.official_date and end >= d.official_date:
            continue  # the last months of probation end in the 11-KNĐ report (mentor_report)
        due.append((d, anchor + dt.timedelta(days=1), end))
    return due


def start_due_evaluations(today: dt.date) -> int:
    """Start one evaluation process per missing evaluation; returns how many were started."""
    started = 0
    for dossier, start, end in due_evaluations(today):
        token = deadlines.EFFECTIVE_ON.set(today)
        try:
            _start(EvaluationFlow.start, dossier=dossier, period_start=start, period_end=end)
        finally:
            deadlines.EFFECTIVE_ON.reset(token)
        started += 1
    return started

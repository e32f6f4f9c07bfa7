"""Keeps the admission process in step with its dossier, inside the service's transaction.

The dossier's services are the only way its state changes; each sends `dossier_changed`. Here the
process starts with the dossier, every open task whose work the dossier now shows done is finished
(by the user who did it), the gateways after it read the outcome, and when the case ends early
(withdrawn, rejected) the tasks still open are cancelled.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from dossiers.models import FINAL_STATES, Dossier
from dossiers.signals import dossier_changed

from .flows import AdmissionFlow, StepTask
from .models import AdmissionProcess

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def process_of(dossier: Dossier) -> AdmissionProcess | None:
    return AdmissionProcess.objects.filter(
        flow_class=AdmissionFlow,
        artifact_content_type=ContentType.objects.get_for_model(Dossier),
        artifact_object_id=dossier.pk,
    ).first()


def open_tasks(process) -> list[Task]:
    return list(Task.objects.filter(process=process, status__in=OPEN_STATUSES).order_by("created", "pk"))


def _finish(task: Task, actor) -> None:
    """Finish a human task on behalf of the user whose action did its work."""
    with task.activation() as activation:
        if task.status == STATUS.NEW:
            if actor is None:
                return
            activation.assign(actor)
        elif actor is not None and task.owner_id != actor.pk:
            # Someone else in the cell did the work: the task is theirs in the archive.
            activation.reassign(actor)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()


def advance(dossier: Dossier, actor) -> None:
    """Finish every task whose work is done, until none is; then close an ended case."""
    process = process_of(dossier)
    if process is None:
        return
    progressed = True
    while progressed:
        progressed = False
        fresh = Dossier.objects.select_related("cell__parent__parent", "candidate").get(pk=dossier.pk)
        for task in open_tasks(process):
            node = task.flow_task
            if isinstance(node, StepTask) and node.done(fresh):
                _finish(task, actor)
                progressed = True
                break
    fresh = Dossier.objects.get(pk=dossier.pk)
    process.refresh_from_db()
    if fresh.state in FINAL_STATES and process.finished is None:
        for task in open_tasks(process):
            with task.activation() as activation:
                activation.cancel()
        process.status = PROCESS.CANCELED
        process.finished = timezone.now()
        process.save(update_fields=["status", "finished"])


@receiver(dossier_changed, dispatch_uid="workflows.sync")
def on_dossier_changed(sender, dossier: Dossier, event, actor, **kwargs) -> None:
    if event.action == "create":
        AdmissionFlow.start.run(dossier=dossier)
    advance(dossier, actor)

"""Who holds a task: claim, give back, give to someone else. Keyword-only, like the dossier's services.

Each checks first that the user may act, then changes the task under viewflow's flow lock
(`task.activation()`, a SELECT … FOR UPDATE on the process), re-reading it there: two people
claiming the same task at once, one gets it and the other is told who has it. A refusal raises
`Refusal(reasons)` and changes nothing. After the commit of an assignment `task_assigned` is
sent (the notices hook it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers.formatting import vn_name
from dossiers.models import Dossier
from dossiers.refusals import APP_RULE, Refusal, app_reason

from .models import Notice
from .selectors import HELD_STATUSES, eligible_assignees, may_reassign, tasks_queue
from .signals import mail_allowed, task_assigned


def _name(user) -> str:
    return vn_name(user)


def _announce(task: Task, user, by) -> None:
    # Whether mail may leave is decided now: the signal goes at the commit, outside any `mail_held_back`.
    transaction.on_commit(partial(task_assigned.send, sender=Task, task=task, user=user, by=by, mail=mail_allowed()))


def _not_open(task: Task) -> list[str]:
    if task.status in (STATUS.DONE, STATUS.CANCELED, STATUS.ERROR) or task.finished is not None:
        return [app_reason(_("This task is already closed."))]
    return []


def _claim_refusals(task: Task, user) -> list[str]:
    closed = _not_open(task)
    if closed:
        return closed
    if task.owner_id is not None:
        if task.owner_id == user.pk:
            return [app_reason(_("This task is already yours."))]
        return [app_reason(_("This task was already taken by %(name)s.") % {"name": _name(task.owner)})]
    if not tasks_queue(user=user).filter(pk=task.pk).exists():
        return [app_reason(_("This task is not in your queue: none of your roles takes this step on this dossier."))]
    return []


@transaction.atomic
def task_claim(*, task: Task, user) -> Task:
    """Take an unassigned task from the user's queue."""
    with task.activation() as activation:  # re-reads the task under the lock
        reasons = _claim_refusals(task, user)
        if reasons:
            raise Refusal(reasons)
        activation.assign(user)
    _announce(task, user, user)
    return task


@transaction.atomic
def task_unassign(*, task: Task, user) -> Task:
    """Give one's own task back to the queue."""
    with task.activation() as activation:
        reasons = _not_open(task)
        if not reasons and task.owner_id != user.pk:
            reasons = [app_reason(_("Only the person who holds a task gives it back."))]
        if not reasons and task.status not in HELD_STATUSES:
            reasons = [app_reason(_("This task is not assigned to anyone."))]
        if reasons:
            raise Refusal(reasons)
        activation.unassign()
    return task


def _dossier_of(task: Task) -> Dossier:
    return Dossier.objects.select_related("cell").get(pk=task.process.artifact_object_id)


@transaction.atomic
def task_reassign(*, task: Task, user, to) -> Task:
    """The cell's secretary or deputy gives a task to someone who may take its step."""
    dossier = _dossier_of(task)
    if not may_reassign(user, dossier):
        raise Refusal([_("Only the cell's secretary or deputy secretary gives a task to someone else.")], rule=APP_RULE)
    if to is None or to.pk not in {u.pk for u in eligible_assignees(task, dossier)}:
        raise Refusal([_("%(name)s holds no role that takes this step on this dossier.")
                           % {"name": _name(to) if to is not None else "—"}], rule=APP_RULE)
    with task.activation() as activation:
        reasons = _not_open(task)
        if not reasons and task.owner_id == to.pk:
            reasons = [app_reason(_("This task is already %(name)s's.") % {"name": _name(to)})]
        if reasons:
            raise Refusal(reasons)
        if task.status == STATUS.NEW:
            activation.assign(to)
        else:
            activation.reassign(to)
    _announce(task, to, user)
    return task


@dataclass
class BulkClaim:
    claimed: list[Task] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)


def tasks_claim_bulk(*, tasks, user) -> BulkClaim:
    """Claim several tasks: each on its own (one taken by someone else meanwhile does not stop the others)."""
    result = BulkClaim()
    for task in tasks:
        try:
            result.claimed.append(task_claim(task=task, user=user))
        except Refusal as exc:
            result.refused[task.pk] = exc.reasons
    return result


def notices_mark_read(*, user) -> int:
    """Mark every unread notice of the user read; returns how many were."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())

"""When each task is due: the statutory limits in working days (QĐ 232 4.1, 4.2, 4.3.1), and
configurable defaults (settings.WORKFLOW_DEFAULT_DAYS) for the steps the rules do not fix.

Every due date is computed here from the dossier's stored facts (the cell's resolution, the
decision, the end of probation) with `dossiers.workdays` — never typed in. A task gets its
`TaskDeadline` when viewflow creates it (`attach`); a later change of those facts (the decision
period extended, say) moves the open deadlines with it (`recompute`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers import gates, rules
from dossiers.models import ActKind, Dossier, VotePurpose
from dossiers.steps import STEPS, Deadline
from dossiers.workdays import add_working_days

from . import snapshot
from .flows import AdmissionFlow, EvaluationFlow, StepTask

# The date the change being synchronised took effect (the meeting, the decision…): the default
# periods run from it rather than from the day someone typed it in. Set by `workflows.sync`.
EFFECTIVE_ON: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("effective_on", default=None)

RECOGNITION_VOTE_DAYS = 30  # QĐ 232 4.2 [C]
RECOGNITION_DECISION_DAYS = 30  # QĐ 232 4.3.1 [C]


@dataclass(frozen=True)
class Due:
    on: dt.date
    rule: str
    # True when read from the dossier's facts (then a change of those facts moves it).
    fixed: bool = True


def default_days(node_name: str) -> int:
    table = settings.WORKFLOW_DEFAULT_DAYS
    return int(table.get(node_name, table["*"]))


def _default(node_name: str, created: dt.date) -> Due:
    days = default_days(node_name)
    return Due(add_working_days(created, days),
               _("%(days)d working days (default for this step)") % {"days": days}, fixed=False)


def _decision_days(dossier: Dossier) -> tuple[int, bool]:
    days = int(rules.rule("DECISION_DEADLINE_WORKING_DAYS"))
    if dossier.decision_extended:
        return days + int(rules.rule("DECISION_EXTENSION_WORKING_DAYS")), True
    return days, False


def _recognition_proposal_date(dossier: Dossier) -> dt.date | None:
    """The date the cell proposed recognition (13-KNĐ) or removal (its vote), or the date the
    case went to the higher committee after three inconclusive votes (QĐ 232 4.2c)."""
    act = gates.last_act(dossier, ActKind.BRANCH_RECOGNITION)
    if act is not None:
        return act.date
    if gates.removal_proposed(dossier):
        return gates.votes(dossier, VotePurpose.BRANCH_RECOGNITION)[-1].meeting_date
    return dossier.escalated_on


def due_for(node_name: str, dossier: Dossier, created: dt.date, *, period_end: dt.date | None = None) -> Due:
    """The due date of task `node_name` created on `created` for `dossier` (its acts, votes
    prefetched or not), with the rule it comes from, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _due_for(node_name, dossier, created, period_end)


@cache
def step_of_node() -> dict[str, str]:
    """{flow node name: the step of the registry it is a task of}: the step says which rule dates it."""
    return {node.name: node.step for flow_class in (AdmissionFlow, EvaluationFlow)
            for node in flow_class.instance.nodes() if isinstance(node, StepTask)}


def _due_for(node_name: str, dossier: Dossier, created: dt.date, period_end: dt.date | None) -> Due:
    step = STEPS.get(step_of_node().get(node_name, ""))
    rule = step.deadline if step else Deadline.DEFAULT
    if period_end is not None:
        # A periodic evaluation: due after the end of the period it reports on.
        days = default_days(node_name)
        return Due(add_working_days(period_end, days),
                   _("%(days)d working days after the end of the evaluation period") % {"days": days})
    if rule == Deadline.ADMISSION_DECISION:
        # QĐ 232 4.3.1: the competent committee decides within 60 working days of the cell's
        # resolution (6-KNĐ), extendable by 30; the bodies in between work inside that period.
        branch = gates.last_act(dossier, ActKind.BRANCH_ADMISSION)
        if branch is not None:
            days, extended = _decision_days(dossier)
            text = (_("%(days)d working days from the cell resolution, extended (QĐ 232, point 4.3.1)") if extended
                    else _("%(days)d working days from the cell resolution (QĐ 232, point 4.3.1)"))
            return Due(add_working_days(branch.date, days), text % {"days": days})
    if rule == Deadline.CEREMONY:
        decision = next((a for a in gates.acts(dossier, ActKind.ADMISSION_DECISION) if a.approved), None)
        if decision is not None:
            days = int(rules.rule("CEREMONY_DEADLINE_WORKING_DAYS"))
            return Due(rules.ceremony_deadline(decision_date=decision.date),
                       _("%(days)d working days from the admission decision (QĐ 232, point 4.1)") % {"days": days})
    if rule == Deadline.RECOGNITION_VOTE and dossier.official_date:
        return Due(add_working_days(dossier.official_date, RECOGNITION_VOTE_DAYS),
                   _("30 working days after the 12 months of probation (QĐ 232, point 4.2)"))
    if rule == Deadline.RECOGNITION_DECISION:
        proposed = _recognition_proposal_date(dossier)
        if proposed is not None:
            extended = dossier.decision_extended
            days = RECOGNITION_DECISION_DAYS + (int(rules.rule("DECISION_EXTENSION_WORKING_DAYS")) if extended else 0)
            text = (_("%(days)d working days from the cell resolution on recognition, extended (QĐ 232, point 4.3.1)")
                    if extended else
                    _("%(days)d working days from the cell resolution on recognition (QĐ 232, point 4.3.1)"))
            return Due(add_working_days(proposed, days), text % {"days": days})
    if rule == Deadline.AFTER_PROBATION and dossier.official_date:
        # Written after the 12 months (HD 01-HD/TW 4.2), ready for the cell's vote.
        days = default_days(node_name)
        return Due(add_working_days(dossier.official_date, days),
                   _("%(days)d working days after the 12 months of probation") % {"days": days})
    return _default(node_name, created)


# --- Attaching and moving deadlines -------------------------------------------------------------


def _dossier_for(process) -> Dossier:
    return (snapshot.current(process.artifact_object_id)
            or Dossier.objects.prefetch_related("acts", "votes").get(pk=process.artifact_object_id))


@dataclass
class _Batch:
    new: list = field(default_factory=list)  # TaskDeadline rows not written yet
    closed: list[int] = field(default_factory=list)  # tasks done or cancelled
    rows: dict = field(default_factory=dict)  # {task pk: its deadline row}, of those closed read with their task
    # The tasks (by identity) whose deadline was attached, or closed, in this block already: a second
    # call for the same task (`workflows.engine` calls both before its write, the task's post_save after)
    # does nothing. {id(task): task}: the task held, so that its id stays its own while the block lasts.
    attached: dict = field(default_factory=dict)
    closing: dict = field(default_factory=dict)


_BATCH: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("deadline_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Inside, the deadlines of the tasks created are written together when the block ends (one
    INSERT), and those of the tasks done or cancelled closed together (one UPDATE): finishing one
    task that opens five writes two statements, not six. Each new deadline is on its task
    (`task.deadline`) from the moment the task exists; nothing is written if the block fails."""
    from .models import TaskDeadline

    batch = _Batch()
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    closed = list(dict.fromkeys(batch.closed))
    if batch.new and closed and all(pk in batch.rows for pk in closed):
        # Both at once: the closed tasks' rows (read with them, under the process lock) go in the same
        # INSERT, and as they exist it only sets their `is_open` (ON CONFLICT on the task): one statement.
        closing = [TaskDeadline(task_id=pk, dossier_id=row.dossier_id, due_on=row.due_on, rule=row.rule,
                                is_open=False) for pk in closed for row in [batch.rows[pk]]]
        TaskDeadline.objects.bulk_create([*batch.new, *closing], update_conflicts=True,
                                         unique_fields=["task"], update_fields=["is_open"])
        return
    if batch.new:
        TaskDeadline.objects.bulk_create(batch.new)
    if closed:
        TaskDeadline.objects.filter(task_id__in=closed, is_open=True).update(is_open=False)


def current_batch() -> _Batch | None:
    """The batch of the `batched()` block the caller is in: `workflows.engine` writes its rows in
    its own statement and empties it (`new`, `closed`), before the block ends."""
    return _BATCH.get()


def attach(task) -> None:
    """Give a newly created human task its deadline (called from the Task post_save hook, and by
    `workflows.engine` before it writes the task)."""
    from .models import TaskDeadline

    if (batch := _BATCH.get()) is not None:
        if id(task) in batch.attached:
            return
        batch.attached[id(task)] = task
    process = task.process
    dossier = _dossier_for(process)
    created = EFFECTIVE_ON.get() or timezone.localdate()
    period_end = (process.data or {}).get("period_end")
    due = due_for(task.flow_task.name, dossier, created,
                  period_end=dt.date.fromisoformat(period_end) if period_end else None)
    deadline = TaskDeadline(task=task, dossier=dossier, due_on=due.on, rule=due.rule[:255])
    if (batch := _BATCH.get()) is not None:
        batch.new.append(deadline)
    else:
        deadline.save()


def close(task) -> None:
    """The task is done or cancelled: its deadline leaves the follow-up lists."""
    from .models import TaskDeadline

    if (batch := _BATCH.get()) is None:
        TaskDeadline.objects.filter(task=task, is_open=True).update(is_open=False)
        return
    if id(task) in batch.closing:
        return
    batch.closing[id(task)] = task
    pending = next((d for d in batch.new if d.task_id == task.pk), None)
    if pending is not None:
        pending.is_open = False  # created and closed in the same block
    else:
        batch.closed.append(task.pk)
        row = type(task).deadline.related.get_cached_value(task, None)
        if row is not None and row.pk is not None:
            batch.rows[task.pk] = row


def recompute(dossier: Dossier, today: dt.date | None = None, *, tasks=None) -> int:
    """Move the open deadlines of `dossier` whose rule reads facts that have changed; returns how
    many moved. Defaults (counted from the day the task arose) stay as they are. `tasks`: the
    dossier's open tasks with their deadlines and processes, when the caller has them."""
    from .models import TaskDeadline, has_deadline

    today = today or timezone.localdate()
    if tasks is not None:
        deadlines = [t.deadline for t in tasks if has_deadline(t)]
    else:
        deadlines = list(TaskDeadline.objects.filter(dossier=dossier, is_open=True).select_related("task__process"))
    if not deadlines:
        return 0
    fresh = snapshot.current(dossier.pk) or Dossier.objects.prefetch_related("acts", "votes").get(pk=dossier.pk)
    moved = 0
    for deadline in deadlines:
        period_end = (deadline.task.process.data or {}).get("period_end")
        due = due_for(deadline.task.flow_task.name, fresh, deadline.task.created.date(),
                      period_end=dt.date.fromisoformat(period_end) if period_end else None)
        if not due.fixed or (due.on, due.rule[:255]) == (deadline.due_on, deadline.rule):
            continue
        deadline.due_on, deadline.rule = due.on, due.rule[:255]
        if due.on >= today:
            deadline.overdue_since = None
        deadline.save(update_fields=["due_on", "rule", "overdue_since"])
        moved += 1
    return moved


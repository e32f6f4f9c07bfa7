"""Telling people about their tasks: a notice in the application and the same text by email.

- `task_assigned` (sent when a task is given to someone): a notice to that person, emailed once
  the transaction commits.
- `sweep(today)` (`manage.py workflow_sweep`, daily): starts the missing periodic evaluations,
  marks the tasks past due, tells whoever holds them (or, unassigned, everyone who may take them),
  and after `settings.WORKFLOW_ESCALATE_AFTER_DAYS` working days overdue tells the next level:
  cell → grassroots committee → competent committee (approvers) → organisation board.
- `digest(today)` (`manage.py workflow_digest`): one email per person with open tasks.

Each (user, task, kind) is notified once (a unique constraint), so both commands are idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers.formatting import vn_date, vn_name
from dossiers.models import Dossier, Mentor, State
from dossiers.workdays import working_days_between
from permissions.actions import STEP_ROLES
from permissions.models import Role, RoleAssignment

from .models import Notice, NoticeKind, TaskDeadline
from .signals import mail_allowed, task_assigned
from .sync import OPEN_STATUSES, start_due_evaluations

User = get_user_model()

# Who hears of an overdue task next, by the level of the roles that take it.
ESCALATION = [Role.GRASSROOTS_COMMITTEE, Role.APPROVER, Role.ORG_BOARD]


def escalate_after_days() -> int:
    return int(getattr(settings, "WORKFLOW_ESCALATE_AFTER_DAYS", 5))


def site_url() -> str:
    """The configured address of the site (`SITE_URL` in the environment): every link in an email starts
    with it, never with the address of a developer's machine."""
    return str(settings.WORKFLOW_SITE_URL).rstrip("/")


def site_link(path: str) -> str:
    """An absolute link to `path` ("/tasks/") on the configured site."""
    return site_url() + path


# --- Reading tasks in bulk ------------------------------------------------------------------------


def task_title(task: Task) -> str:
    return str(task.flow_task.task_title)


def task_step(task: Task) -> str:
    return getattr(task.flow_task, "step", "")


def task_path(task: Task) -> str:
    dossier_pk = task.process.artifact_object_id
    try:
        return reverse("dossiers:step", args=[dossier_pk, task_step(task)])
    except NoReverseMatch:
        return f"/dossiers/{dossier_pk}/"


def inbox_path() -> str:
    try:
        return reverse("tasks:inbox")
    except NoReverseMatch:
        return "/tasks/"


def dossiers_of(tasks) -> dict[int, Dossier]:
    """process id → dossier, for tasks loaded with their process: two queries."""
    ids = {t.process.artifact_object_id for t in tasks}
    mentors = Mentor.objects.filter(ended_on__isnull=True).select_related("member__user")
    by_pk = Dossier.objects.select_related("candidate", "cell").prefetch_related(
        Prefetch("mentors", queryset=mentors)).in_bulk(ids)
    return {t.process_id: by_pk[t.process.artifact_object_id] for t in tasks if t.process.artifact_object_id in by_pk}


def _assignments() -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(revoked_at__isnull=True, user__is_active=True)
                .select_related("user", "organization"))


def _holders(dossier: Dossier, roles, assignments) -> list:
    """Users holding one of `roles` over the dossier's cell (by organisation path), mentors included."""
    users = {a.user_id: a.user for a in assignments
             if a.role in roles and dossier.cell.path.startswith(a.organization.path)}
    if Role.MENTOR in roles:
        for m in dossier.mentors.all():
            if m.ended_on is None and m.member.user is not None and m.member.user.is_active:
                users[m.member.user.pk] = m.member.user
    return sorted(users.values(), key=lambda u: u.pk)


def may_take(tasks, dossiers: dict[int, Dossier], assignments=None) -> dict[int, list]:
    """task id → users who may take it (their roles over the dossier include the step's)."""
    assignments = _assignments() if assignments is None else assignments
    return {t.pk: _holders(dossiers[t.process_id], STEP_ROLES.get(task_step(t), set()), assignments)
            for t in tasks if t.process_id in dossiers}


def escalation_targets(task: Task, dossier: Dossier, assignments) -> list:
    """The next level above those who take the task; the level after it if nobody holds that one."""
    roles = STEP_ROLES.get(task_step(task), set())
    if Role.APPROVER in roles:
        start = 2
    elif Role.GRASSROOTS_COMMITTEE in roles and not roles & {Role.CELL_SECRETARY, Role.CELL_DEPUTY}:
        start = 1
    else:
        start = 0
    for role in ESCALATION[start:]:
        users = _holders(dossier, {role}, assignments)
        if users:
            return users
    return []


# --- Notices and their emails -------------------------------------------------------------------


def person(dossier: Dossier) -> str:
    """Who the dossier is about, as the letters call them: "quần chúng Nguyễn Văn An" until the
    admission, "đảng viên dự bị Nguyễn Văn An" from the ceremony on (glossary.md)."""
    name = dossier.candidate.full_name
    with translation.override(settings.LANGUAGE_CODE):
        if dossier.state in (State.PROBATION, State.RECOGNIZED, State.REMOVED):
            return _("probationary member %(name)s") % {"name": name}
        return _("candidate %(name)s") % {"name": name}


@dataclass
class TaskFacts:
    title: str
    candidate: str
    cell: str
    due_on: dt.date | None
    path: str
    person: str = ""


def facts(task: Task, dossier: Dossier, deadline: TaskDeadline | None) -> TaskFacts:
    return TaskFacts(task_title(task), dossier.candidate.full_name, dossier.cell.name,
                     deadline.due_on if deadline else None, task_path(task), person(dossier))


def message(kind: str, f: TaskFacts, *, by=None, overdue_days: int = 0) -> str:
    """The notice's text, in the site's language (stored as written)."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"task": f.title, "person": f.person or f.candidate, "cell": f.cell,
                  "due": vn_date(f.due_on) if f.due_on else "—", "days": overdue_days,
                  "by": vn_name(by) if by is not None else ""}
        if kind == NoticeKind.ASSIGNED:
            if by is not None:
                text = _("%(by)s assigned you the task “%(task)s” for %(person)s (%(cell)s), due %(due)s.")
            else:
                text = _("You have been assigned the task “%(task)s” for %(person)s (%(cell)s), due %(due)s.")
        elif kind == NoticeKind.AVAILABLE:
            text = _("A new task “%(task)s” for %(person)s (%(cell)s), due %(due)s, is waiting in your queue.")
        elif kind == NoticeKind.OVERDUE:
            text = _("The task “%(task)s” for %(person)s (%(cell)s) was due %(due)s and is overdue.")
        else:
            text = _("The task “%(task)s” for %(person)s (%(cell)s) was due %(due)s and is %(days)d working days "
                     "overdue: it is reported to you for follow-up.")
        return text % values


def _notice(user, task: Task, kind: str, text: str) -> Notice | None:
    """The notice, or None if this user already had one of this kind for this task."""
    if Notice.objects.filter(user=user, task=task, kind=kind).exists():
        return None
    try:
        with transaction.atomic():
            return Notice.objects.create(user=user, task=task, kind=kind, message=text)
    except IntegrityError:
        return None


def deliver(notice_ids=None) -> int:
    """Email the notices not yet emailed (all of them, or those given) to users who have an email
    address; returns how many were sent. Marks each as emailed (without sending, inside
    `signals.mail_held_back`)."""
    pending = (Notice.objects.filter(emailed_at__isnull=True).exclude(user__email="")
               .select_related("user", "task__process").order_by("pk"))
    if notice_ids is not None:
        pending = pending.filter(pk__in=list(notice_ids))
    if not mail_allowed():
        pending.update(emailed_at=timezone.now())
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notice in pending:
            context = {"notice": notice, "user": notice.user, "url": site_link(task_path(notice.task)),
                       "title": task_title(notice.task)}
            subject = render_to_string("workflows/email/subject.txt", context).strip()
            body = render_to_string("workflows/email/notice.txt", context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.user.email])
            Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


@receiver(task_assigned, dispatch_uid="workflows.notify.assigned")
def on_task_assigned(sender, task: Task, user, by=None, mail: bool | None = None, **kwargs) -> None:
    """A notice to the new owner; the email leaves once the assignment is committed, unless the
    assignment was made with mail held back (`signals.mail_held_back`: the notice counts as delivered)."""
    task = Task.objects.select_related("process").get(pk=task.pk)
    dossier = dossiers_of([task])[task.process_id]
    deadline = TaskDeadline.objects.filter(task=task).first()
    notice = _notice(user, task, NoticeKind.ASSIGNED, message(NoticeKind.ASSIGNED, facts(task, dossier, deadline),
                                                              by=by))
    if notice is None:
        return
    if mail is False or not mail_allowed():
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    else:
        transaction.on_commit(lambda: deliver([notice.pk]))


# --- The daily sweep ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    evaluations_started: int = 0
    marked_overdue: int = 0
    escalated: int = 0
    notices: int = 0
    emails: int = 0


def sweep(today: dt.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult()
    with transaction.atomic():
        result.evaluations_started = start_due_evaluations(today)
    open_deadlines = TaskDeadline.objects.filter(is_open=True, task__status__in=OPEN_STATUSES).select_related(
        "task__process", "task__owner")
    late = list(open_deadlines.filter(due_on__lt=today, overdue_since__isnull=True))
    limit = escalate_after_days()
    to_escalate = [d for d in open_deadlines.filter(overdue_since__isnull=False, escalated_on__isnull=True)
                   if working_days_between(d.due_on, today) >= limit]
    # Those marked today may be long overdue already (the sweep did not run): escalate them too.
    to_escalate += [d for d in late if working_days_between(d.due_on, today) >= limit]
    if not late and not to_escalate:
        result.emails = deliver()
        return result
    tasks = [d.task for d in late + to_escalate]
    dossiers = dossiers_of(tasks)
    assignments = _assignments()
    takers = may_take([t for t in tasks if t.owner_id is None], dossiers, assignments)
    with transaction.atomic():
        for deadline in late:
            task = deadline.task
            deadline.overdue_since = deadline.due_on + dt.timedelta(days=1)
            deadline.save(update_fields=["overdue_since"])
            result.marked_overdue += 1
            recipients = [task.owner] if task.owner_id else takers.get(task.pk, [])
            text = message(NoticeKind.OVERDUE, facts(task, dossiers[task.process_id], deadline))
            result.notices += sum(1 for u in recipients if _notice(u, task, NoticeKind.OVERDUE, text))
        for deadline in to_escalate:
            task = deadline.task
            dossier = dossiers[task.process_id]
            deadline.escalated_on = today
            deadline.save(update_fields=["escalated_on"])
            result.escalated += 1
            text = message(NoticeKind.ESCALATED, facts(task, dossier, deadline),
                           overdue_days=working_days_between(deadline.due_on, today))
            recipients = escalation_targets(task, dossier, assignments)
            result.notices += sum(1 for u in recipients if _notice(u, task, NoticeKind.ESCALATED, text))
    result.emails = deliver()
    return result


# --- The daily digest -----------------------------------------------------------------------------


@dataclass
class DigestLine:
    title: str
    candidate: str
    cell: str
    due_on: dt.date | None
    overdue: bool
    url: str
    person: str = ""


def inboxes(today: dt.date) -> tuple[dict[int, list[DigestLine]], dict[int, int], dict[int, object]]:
    """user id → inbox lines (overdue first, then by due date); user id → queue size; the users."""
    tasks = list(Task.objects.filter(status__in=OPEN_STATUSES, flow_task_type="HUMAN")
                 .select_related("process", "owner", "deadline"))
    dossiers = dossiers_of(tasks)
    takers = may_take([t for t in tasks if t.status == STATUS.NEW], dossiers)
    inbox: dict[int, list[DigestLine]] = defaultdict(list)
    queue: dict[int, int] = defaultdict(int)
    users = {}
    for task in tasks:
        if task.process_id not in dossiers:
            continue
        if task.owner_id is not None:
            dossier = dossiers[task.process_id]
            deadline = getattr(task, "deadline", None)
            due = deadline.due_on if deadline else None
            inbox[task.owner_id].append(DigestLine(
                task_title(task), dossier.candidate.full_name, dossier.cell.name, due,
                due is not None and due < today, site_link(task_path(task)), person(dossier)))
            users[task.owner_id] = task.owner
        for user in takers.get(task.pk, []):
            queue[user.pk] += 1
            users[user.pk] = user
    for lines in inbox.values():
        lines.sort(key=lambda line: (not line.overdue, line.due_on or dt.date.max))
    return inbox, queue, users


def digest(today: dt.date | None = None) -> int:
    """One email per user with open tasks (own or in the queue); returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        inbox, queue, users = inboxes(today)
        for pk, user in sorted(users.items()):
            if not user.email or not user.is_active:
                continue
            context = {"user": user, "today": today, "lines": inbox.get(pk, []), "queue": queue.get(pk, 0),
                       "url": site_link(inbox_path())}
            subject = render_to_string("workflows/email/digest_subject.txt", context).strip()
            send_mail(subject, render_to_string("workflows/email/digest.txt", context),
                      settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
    return sent

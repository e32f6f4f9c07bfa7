"""Read-side task queries: a user's inbox, queue and archive, in a fixed number of SQL queries.

A task belongs to a dossier through its process (`process.artifact`, a generic relation). Who may
take a task is decided as for the step itself (`permissions.actions.STEP_ROLES`): a role held over
the dossier's cell by organisation path, or the mentor's own cases. The queue is ONE SQL query
built from the user's role assignments; the rows' dossiers are loaded in one more query per page
(`attach_dossiers`).
"""

from __future__ import annotations

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from dossiers import prepared
from dossiers.models import Dossier, Mentor
from permissions import roles
from permissions.actions import CELL, STEP_ROLES
from permissions.models import Role
from permissions.scoping import SUBTREE_ROLES, active_roles, scope_of, visible_dossiers

from .models import has_deadline

HUMAN = "HUMAN"
OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
# Statuses in which an owner holds the task (viewflow's "inbox").
HELD_STATUSES = [STATUS.ASSIGNED, STATUS.STARTED]


def _flows():
    """Every flow of `workflows.flows` (the admission, the periodic evaluations, any later one)."""
    from viewflow.workflow.flow import Flow  # noqa: PLC0415

    from . import flows  # noqa: PLC0415 - flows import the dossiers' rules; load them when first asked

    return [obj for obj in vars(flows).values()
            if isinstance(obj, type) and issubclass(obj, Flow) and obj is not Flow and obj.__module__ == flows.__name__]


@cache
def step_nodes() -> dict[str, object]:
    """Every human node with a step, by its stored reference (`Task.flow_task`)."""
    nodes = {}
    for flow_class in _flows():
        for node in flow_class.instance.nodes():
            if getattr(node, "step", None):
                nodes[get_task_ref(node)] = node
    return nodes


@cache
def refs_for_role(role: str) -> tuple[str, ...]:
    """The node references whose step the role may take."""
    return tuple(sorted(ref for ref, node in step_nodes().items() if role in STEP_ROLES.get(node.step, set())))


def step_of(task: Task) -> str | None:
    return getattr(task.flow_task, "step", None)


def _human_tasks() -> QuerySet[Task]:
    return Task.objects.filter(
        flow_task_type=HUMAN,
        process__artifact_content_type=ContentType.objects.get_for_model(Dossier),
    )


def _for_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """What a row shows besides the dossier: the deadline and the overdue flag, overdue first."""
    today = timezone.localdate()
    return (
        queryset.select_related("process", "deadline", "owner")
        .annotate(
            overdue=Case(
                When(deadline__due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-overdue", F("deadline__due_on").asc(nulls_last=True), "created", "pk")
    )


def tasks_inbox(*, user) -> QuerySet[Task]:
    """Open tasks assigned to the user."""
    if not user.is_authenticated:
        return Task.objects.none()
    return _for_rows(_human_tasks().filter(owner=user, status__in=HELD_STATUSES))


@cache
def _inbox_count_sql(alias: str) -> str:
    """`inbox_count`'s statement, written once: building it through the ORM on every page cost more
    than running it (an index scan of the user's held tasks, `task_held_owner`)."""
    q = connections[alias].ops.quote_name
    task, process = q(Task._meta.db_table), q(Process._meta.db_table)
    statuses = ", ".join(["%s"] * len(HELD_STATUSES))
    return (f"SELECT COUNT(*) FROM {task} INNER JOIN {process} ON ({task}.{q('process_id')} = {process}.{q('id')}) "
            f"WHERE {task}.{q('flow_task_type')} = %s AND {process}.{q('artifact_content_type_id')} = %s "
            f"AND {task}.{q('owner_id')} = %s AND {task}.{q('status')} IN ({statuses})")


def inbox_count(*, user) -> int:
    """The menu's badge: one COUNT query of the inbox's tasks (`tasks_inbox`, which the inbox page
    counts itself and hands to the badge)."""
    if not user.is_authenticated:
        return 0
    content_type = ContentType.objects.get_for_model(Dossier)
    alias = router.db_for_read(Task)
    with connections[alias].cursor() as cursor:
        cursor.execute(_inbox_count_sql(alias), [HUMAN, content_type.pk, user.pk, *map(str, HELD_STATUSES)])
        return cursor.fetchone()[0]


# The organisation permissions (django-guardian) that open a role's steps in the queue.
PERMISSION_STEPS = {
    roles.ACT_CELL: Role.CELL_SECRETARY,
    roles.ACT_COMMITTEE: Role.GRASSROOTS_COMMITTEE,
    roles.APPROVE: Role.APPROVER,
    roles.PROPOSE: Role.UNION_OFFICER,
}


def queue_condition(user) -> Q:
    """Which tasks the user may take, as one condition, from the same guardian permissions as the
    dossiers' scope: for each organisation permission that acts, the dossiers under it with the
    nodes whose step that role takes (a union officer: his own candidates only); as mentor, the
    nodes open to mentors on the dossiers he mentors."""
    if user.is_superuser:
        return Q()
    condition = Q(pk__in=[])
    scope = scope_of(user)
    for codename, role in PERMISSION_STEPS.items():
        refs = refs_for_role(role)
        if not refs:
            continue
        for path in scope.get(codename, []):
            under = Dossier.objects.filter(cell__path__startswith=path)
            if codename == roles.PROPOSE:
                under = under.filter(created_by=user)
            condition |= Q(process__artifact_object_id__in=under.values("pk")) & Q(flow_task__in=refs)
    mentor_refs = refs_for_role(Role.MENTOR)
    if mentor_refs:
        # Read first (one small indexed query): a subquery here would be OR-ed with the roles'
        # conditions, and an OR of subqueries makes PostgreSQL read every open task in the country.
        mentored = list(Mentor.objects.filter(member__user=user, ended_on__isnull=True)
                        .values_list("dossier_id", flat=True))
        if mentored:
            condition |= Q(process__artifact_object_id__in=mentored) & Q(flow_task__in=mentor_refs)
    return condition


def _visible(user) -> Q:
    return Q(process__artifact_object_id__in=visible_dossiers(user).values("pk"))


def tasks_queue(*, user) -> QuerySet[Task]:
    """Unassigned tasks of dossiers the user sees, at a step one of their roles may take."""
    if not user.is_authenticated:
        return Task.objects.none()
    return _for_rows(_human_tasks().filter(_visible(user), queue_condition(user), status=STATUS.NEW))


# Roles that follow up a subtree's late work without doing it themselves (glossary.md, Roles).
FOLLOW_UP_ROLES = {
    Role.GRASSROOTS_COMMITTEE, Role.APPROVER, Role.ORG_BOARD, Role.AUDITOR, Role.ADMIN,
    Role.UNION_OFFICER,  # his own nominees only (visible_dossiers)
}


def follows_up(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(a.role in FOLLOW_UP_ROLES for a in active_roles(user)))


def tasks_overdue_in_scope(*, user) -> QuerySet[Task]:
    """Open tasks past their due date on the dossiers the user sees, whoever holds them: what an
    organisation board or the inspection committee must chase ("đôn đốc"), oldest due first."""
    if not follows_up(user):
        return Task.objects.none()
    # Walks the open deadlines in the order of their partial index (due date, task), keeping
    # those of dossiers in scope, and stops at the page's end: at national scale a join through
    # every task ever finished, sorted afterwards, took seconds.
    return (
        Task.objects.filter(deadline__is_open=True, deadline__due_on__lt=timezone.localdate(),
                            deadline__dossier__in=visible_dossiers(user).values("pk"))
        .select_related("process", "deadline", "owner")
        .annotate(overdue=Value(True, output_field=BooleanField()))
        .order_by("deadline__due_on", "deadline__task_id")
    )


def tasks_archive(*, user) -> QuerySet[Task]:
    """Tasks the user finished, newest first."""
    if not user.is_authenticated:
        return Task.objects.none()
    return (
        _human_tasks().filter(owner=user, status=STATUS.DONE)
        .select_related("process", "deadline", "owner")
        .annotate(overdue=Value(False, output_field=BooleanField()))
        .order_by("-finished", "-pk")
    )


def attach_dossiers(tasks) -> list[Task]:
    """Give each task `.dossier` (candidate and cell loaded) and `.step`, in one query for all."""
    tasks = list(tasks)
    ids = sorted({t.process.artifact_object_id for t in tasks} - {None})
    # Its SQL written once per process for each number of dossiers (`dossiers.prepared`): every
    # task list reads its page's dossiers, and building and compiling the query cost more than
    # running it.
    dossiers = {d.pk: d for d in prepared.rows(
        f"workflows.selectors.attach_dossiers:{len(ids)}", Dossier,
        lambda: Dossier.objects.select_related("candidate", "cell").filter(pk__in=ids), ids)} if ids else {}
    for task in tasks:
        task.dossier = dossiers.get(task.process.artifact_object_id)
        task.step = step_of(task)
        task.due_on = task.deadline.due_on if has_deadline(task) else None
    return tasks


def visible_task(*, user, pk) -> Task:
    """A human task of a dossier the user sees; 404 otherwise, so an outsider learns nothing."""
    try:
        return _human_tasks().filter(_visible(user)).select_related("process", "owner").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Who may be given a task ------------------------------------------------------------------


def may_reassign(user, dossier: Dossier) -> bool:
    """The cell's secretary or deputy (by path: no query once the roles are loaded)."""
    if user.is_superuser:
        return True
    return any(
        a.role in CELL and dossier.cell.path.startswith(a.organization.path) for a in active_roles(user)
    )


def eligible_assignees(task: Task, dossier: Dossier) -> list:
    """Users who hold a role over the dossier's cell that may take the task's step, and its
    active mentor when mentors take that step; by name."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    from permissions.models import RoleAssignment  # noqa: PLC0415

    step = step_of(task)
    takers = STEP_ROLES.get(step, set()) if step else set()
    path = dossier.cell.path
    ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    condition = Q(pk__in=RoleAssignment.objects.filter(
        revoked_at__isnull=True, role__in=takers & SUBTREE_ROLES, organization__path__in=ancestors,
    ).values("user_id"))
    if Role.MENTOR in takers:
        condition |= Q(pk__in=Mentor.objects.filter(dossier=dossier, ended_on__isnull=True).values("member__user_id"))
    return list(get_user_model().objects.filter(condition, is_active=True).order_by("first_name", "last_name", "pk"))


"""Tasks: "Việc của tôi" (inbox), "Việc chờ nhận" (queue), "Đã làm" (archive), the home page, and
the buttons that claim, give back and give a task to someone else. The work of a task is always
done on its step's form (`dossiers:step`); here people only decide who does it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from viewflow.workflow.status import STATUS

from dossiers.refusals import APP_RULE, Refusal
from ui.links import step_url_maker, url_maker
from ui.pages import PageMixin, posted_id
from ui.templatetags.vn import vn_name
from workflows.selectors import (
    attach_dossiers,
    eligible_assignees,
    follows_up,
    may_reassign,
    tasks_archive,
    tasks_inbox,
    tasks_overdue_in_scope,
    tasks_queue,
    visible_task,
)
from workflows.services import task_claim, task_reassign, task_unassign, tasks_claim_bulk

from .views import CappedPaginator

PAGE_SIZE = 25
HOME_ROWS = 10


def task_rows(user, tasks) -> list:
    """The page's tasks with their dossiers (one query) and what each row may offer."""
    rows = attach_dossiers(tasks)
    step_url, detail_url = step_url_maker(), url_maker("dossiers:detail")
    claim_url, unassign_url, reassign_url = (url_maker(f"tasks:{name}") for name in ("claim", "unassign", "reassign"))
    for task in rows:
        dossier = task.dossier
        task.step_url = step_url(dossier.pk, task.step) if dossier and task.step else ""
        task.dossier_url = detail_url(dossier.pk) if dossier else ""
        task.claim_url, task.unassign_url, task.reassign_url = (
            claim_url(task.pk), unassign_url(task.pk), reassign_url(task.pk))
        task.mine = task.owner_id == user.pk
        task.claimable = task.status == STATUS.NEW
        task.may_reassign = bool(dossier) and task.finished is None and may_reassign(user, dossier)
    return rows


class TaskListView(PageMixin, TemplateView):
    template_name = "web/tasks/task_list.html"
    kind = "inbox"

    def tasks(self):
        return {"inbox": tasks_inbox, "queue": tasks_queue, "archive": tasks_archive,
                "overdue": tasks_overdue_in_scope}[self.kind](user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # A province's overdue work or queue runs to thousands: count a window, not all (issue 7).
        paginator = CappedPaginator(self.tasks(), PAGE_SIZE, count_limit=HOME_COUNT_LIMIT)
        page = paginator.get_page(self.request.GET.get("page"))
        if self.kind == "inbox" and not paginator.count_is_capped:
            # The menu's badge counts the same tasks (workflows.selectors.inbox_count): no second COUNT.
            self.request._open_task_count = paginator.count
        ctx.update(kind=self.kind, page_obj=page, tasks=task_rows(self.request.user, page.object_list),
                   title={"inbox": _("My tasks"), "queue": _("Tasks waiting to be taken"),
                          "archive": _("Tasks I have done"), "overdue": _("Overdue tasks to follow up")}[self.kind])
        return ctx


# The home page counts a board's overdue work or a queue up to this many: "more than 1,000" says
# enough, and counting a province's 18,000 late tasks took a second on every visit (issue 7).
HOME_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool = False


def count_up_to(queryset, shown: int, limit: int | None = None) -> Count:
    """The rows of `queryset`, counted only when more than the page shows, and then at most `limit`."""
    if queryset is None or shown <= HOME_ROWS:
        return Count(shown)
    paginator = CappedPaginator(queryset, HOME_ROWS, count_limit=limit or HOME_COUNT_LIMIT)
    return Count(paginator.count_floor, paginator.count_is_capped)


class HomeView(PageMixin, TemplateView):
    """`/`: my tasks first (overdue on top), then the queue, then the way to the dossiers."""

    template_name = "web/tasks/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        inbox = tasks_inbox(user=user)
        queue = tasks_queue(user=user)
        inbox_rows = list(inbox[: HOME_ROWS + 1])
        queue_rows = list(queue[: HOME_ROWS + 1])
        # Boards and inspectors do few steps themselves; what they must chase is the late work below them.
        late = tasks_overdue_in_scope(user=user) if follows_up(user) else None
        late_rows = list(late[: HOME_ROWS + 1]) if late is not None else []
        mine, waiting = min(len(inbox_rows), HOME_ROWS), min(len(queue_rows), HOME_ROWS)
        rows = task_rows(user, inbox_rows[:mine] + queue_rows[:waiting] + late_rows[:HOME_ROWS])
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            inbox=rows[:mine],
            queue=rows[mine:mine + waiting],
            late=rows[mine + waiting:],
            late_count=count_up_to(late, len(late_rows)),
            inbox_count=count_up_to(inbox, len(inbox_rows)),
            queue_count=count_up_to(queue, len(queue_rows)),
            overdue_count=sum(1 for t in inbox_rows if t.overdue),
        )
        return ctx


# --- The buttons ------------------------------------------------------------------------------


def _back(request, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = default
    return HttpResponseRedirect(target)


def _refused(request, exc: Refusal) -> None:
    for reason in exc.reasons:
        messages.error(request, reason)


class TaskActionView(PageMixin, TemplateView):
    """POST only (GET goes to the inbox): load the task within the user's scope (404 outside)."""

    http_method_names = ["get", "post"]

    def prepare(self, request, *args, pk=None, **kwargs):
        self.task = visible_task(user=request.user, pk=pk) if pk is not None else None

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("tasks:inbox"))


class ClaimView(TaskActionView):
    def post(self, request, pk):
        try:
            task_claim(task=self.task, user=request.user)
        except Refusal as exc:
            _refused(request, exc)
            return _back(request, reverse("tasks:queue"))
        messages.success(request, _("The task «%(title)s» is now yours.") % {"title": self.task.title})
        return _back(request, reverse("tasks:inbox"))


class UnassignView(TaskActionView):
    def post(self, request, pk):
        try:
            task_unassign(task=self.task, user=request.user)
        except Refusal as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The task «%(title)s» is back in the queue.") % {"title": self.task.title})
        return _back(request, reverse("tasks:inbox"))


class BulkClaimView(TaskActionView):
    def post(self, request):
        ids = [i for i in map(posted_id, request.POST.getlist("task")) if i][:PAGE_SIZE * 4]
        tasks = list(tasks_queue(user=request.user).filter(pk__in=ids)) if ids else []
        if not tasks:
            messages.error(request, _("Choose at least one task from your queue."))
            return HttpResponseRedirect(reverse("tasks:queue"))
        result = tasks_claim_bulk(tasks=tasks, user=request.user)
        if result.claimed:
            count = len(result.claimed)
            messages.success(request, ngettext("%(count)d task is now yours.", "%(count)d tasks are now yours.",
                                               count) % {"count": count})
        for reasons in result.refused.values():
            for reason in reasons:
                messages.error(request, reason)
        return HttpResponseRedirect(reverse("tasks:inbox" if result.claimed else "tasks:queue"))


class ReassignView(PageMixin, TemplateView):
    """"Giao cho…": the cell's secretary or deputy chooses who takes the task."""

    template_name = "web/tasks/reassign.html"

    def prepare(self, request, *args, pk, **kwargs):
        self.task = visible_task(user=request.user, pk=pk)
        [self.task] = task_rows(request.user, [self.task])
        self.choices = [u for u in eligible_assignees(self.task, self.task.dossier) if u.pk != self.task.owner_id]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(task=self.task, dossier=self.task.dossier, choices=[(u.pk, vn_name(u)) for u in self.choices],
                   allowed=may_reassign(self.request.user, self.task.dossier),
                   next=self.request.GET.get("next", ""))
        return ctx

    def post(self, request, pk):
        chosen = request.POST.get("to", "")
        to = next((u for u in self.choices if str(u.pk) == chosen), None)
        if to is None and posted_id(chosen):
            to = get_user_model().objects.filter(pk=posted_id(chosen)).first()  # the service says why not
        try:
            if to is None:
                raise Refusal([_("Choose the person who takes this task.")], rule=APP_RULE)
            task_reassign(task=self.task, user=request.user, to=to)
        except Refusal as exc:
            ctx = self.get_context_data(errors=exc.reasons)
            return self.render_to_response(ctx)
        messages.success(request, _("The task «%(title)s» was given to %(name)s.") % {
            "title": self.task.title, "name": vn_name(to)})
        return _back(request, reverse("tasks:inbox"))

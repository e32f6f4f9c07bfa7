"""The user's notices: tasks assigned, overdue, escalated — newest first, unread highlighted."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import ListView

from ui.pages import PageMixin
from workflows.models import Notice
from workflows.notify import task_path
from workflows.services import notices_mark_read


class NoticeListView(PageMixin, ListView):
    """GET: the notices (3 queries whatever their number); POST: mark them all read."""

    template_name = "web/notices.html"
    context_object_name = "notices"
    paginate_by = 50

    def get_queryset(self):
        return Notice.objects.filter(user=self.request.user).select_related("task__process").order_by("-created", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for notice in context["notices"]:
            notice.url = task_path(notice.task)
        context["unread"] = Notice.objects.filter(user=self.request.user, read_at__isnull=True).count()
        return context

    def post(self, request, *args, **kwargs):
        marked = notices_mark_read(user=request.user)
        if marked:
            messages.success(request, _("All notices marked as read."))
        return HttpResponseRedirect(request.path)

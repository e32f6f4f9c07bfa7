"""The workflow's own records: the admission process (viewflow's Process whose artifact is the
dossier), each task's statutory deadline, and the notices users read in the application."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from dossiers.models import Dossier

from . import snapshot


class AdmissionProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("admission process")
        verbose_name_plural = _("admission processes")

    @property
    def dossier(self) -> Dossier:
        # While a change is synchronised, the gateways read the dossier loaded once for it.
        return snapshot.current(self.artifact_object_id) or self.artifact


class EvaluationProcess(Process):
    """One periodic evaluation of the candidate or probationer by the mentor (reference 001:
    "định kỳ hàng tháng, quý đánh giá"); `data` holds the period it covers, as ISO dates."""

    class Meta:
        proxy = True
        verbose_name = _("periodic evaluation")
        verbose_name_plural = _("periodic evaluations")

    @property
    def dossier(self) -> Dossier:
        # While a change is synchronised, the gateways read the dossier loaded once for it.
        return snapshot.current(self.artifact_object_id) or self.artifact

    @property
    def period_start(self) -> dt.date:
        return dt.date.fromisoformat(self.data["period_start"])

    @property
    def period_end(self) -> dt.date:
        return dt.date.fromisoformat(self.data["period_end"])


class TaskDeadline(models.Model):
    """When a task is due, by which rule, and what the daily sweep has done about it."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="deadline")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="task_deadlines")
    due_on = models.DateField(_("due date"), db_index=True)
    rule = models.CharField(_("rule"), max_length=255)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    # False once the task is done or cancelled. The row stays (was the step late?), but the
    # follow-up lists and the daily sweep read only the open ones, through the partial indexes:
    # at national scale nine deadlines in ten belong to finished tasks.
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")
        indexes = [
            models.Index(fields=["due_on", "task"], condition=models.Q(is_open=True), name="deadline_open_due"),
            models.Index(fields=["dossier"], condition=models.Q(is_open=True), name="deadline_open_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.due_on:%d/%m/%Y}"


def has_deadline(task: Task) -> bool:
    """Whether the task has a deadline row (loaded by select_related: a missing row raises)."""
    try:
        task.deadline  # noqa: B018
    except Task.deadline.RelatedObjectDoesNotExist:
        return False
    return True


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Task assigned to you")
    AVAILABLE = "available", _("New task in your queue")
    OVERDUE = "overdue", _("Task overdue")
    ESCALATED = "escalated", _("Overdue task escalated to you")


class Notice(models.Model):
    """An in-app notice; the same text goes by email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    message = models.TextField(_("message"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "task", "kind"], name="notice_once_per_task_kind"),
        ]

    def __str__(self) -> str:
        return self.message

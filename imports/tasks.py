"""Large files on the task worker (django-tasks, as `documents.tasks`): the check and the import
run there, the run's `done` counting the rows for the page's progress bar; a small file is checked
and imported inside the request."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import services
from .models import ImportRun, ImportStatus

logger = logging.getLogger("imports")


@task()
def check_file(run_id: int) -> int:
    run = ImportRun.objects.get(pk=run_id)
    try:
        services.import_check(run=run)
    except Exception as exc:
        logger.exception("import check %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(status=ImportStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    return run_id


@task()
def apply_file(run_id: int, actor_id: int) -> int:
    run = ImportRun.objects.get(pk=run_id)
    services.import_apply(run=run, actor=get_user_model().objects.get(pk=actor_id))
    return run_id


def start_check(run: ImportRun) -> ImportRun:
    """Check the file now, or on the worker when it is large."""
    if run.status != ImportStatus.PREVIEWING:
        return run
    if services.background(bytes(run.content or b"")):
        transaction.on_commit(lambda: check_file.enqueue(run_id=run.pk))
        return run
    return services.import_check(run=run)


def start_import(run: ImportRun, actor) -> ImportRun:
    """Import the previewed file now, or on the worker when it is large."""
    if services.background(bytes(run.content or b"")) and run.status == ImportStatus.PREVIEWED:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, done=0)
        transaction.on_commit(lambda: apply_file.enqueue(run_id=run.pk, actor_id=actor.pk))
        run.refresh_from_db()
        return run
    return services.import_apply(run=run, actor=actor)

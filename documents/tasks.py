"""Background jobs (django-tasks backport; its database backend is the separate django-tasks-db
package, run by `manage.py db_worker`; tests use the ImmediateBackend)."""

from __future__ import annotations

import io
import logging
import zipfile

from django.utils import timezone
from django_tasks import task

from dossiers.formatting import fold

from .bundle import bundle_pdf
from .models import BundleJob, JobStatus

logger = logging.getLogger("documents")


@task()
def build_bundles(job_id: int) -> int:
    """Build the bundle of each dossier of the job into one ZIP; `done` counts up as it goes, which
    the job's page shows."""
    from dossiers.models import Dossier

    job = BundleJob.objects.get(pk=job_id)
    BundleJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    buffer = io.BytesIO()
    try:
        dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=job.dossier_ids).select_related(
            "candidate", "cell", "cell__parent", "cell__parent__parent")}
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, pk in enumerate(job.dossier_ids, start=1):
                dossier = dossiers.get(pk)
                if dossier is not None:
                    name = fold(dossier.candidate.full_name).replace(" ", "-")
                    archive.writestr(f"ho-so-{pk}-{name}.pdf", bundle_pdf(dossier=dossier))
                BundleJob.objects.filter(pk=job_id).update(done=done)
    except Exception as exc:
        logger.exception("bundle job %s failed", job_id)
        BundleJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    BundleJob.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=buffer.getvalue(),
                                               finished_at=timezone.now())
    return job_id

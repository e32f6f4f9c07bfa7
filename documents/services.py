"""Every write of the documents app goes through one of these functions, keyword-only.

Each one checks first and refuses with `Refusal` (reasons in the user's language), then
writes in one transaction after `full_clean()`; what must happen only once the write is final
(logging, the background job) runs in `transaction.on_commit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import rules
from dossiers.models import Dossier, State
from dossiers.refusals import APP_RULE, Refusal, clean_and_save

from . import numbering, rendering
from .catalogue import BY_CODE, SCAN_STEPS, DocumentForm, scan_section
from .context import Built
from .models import BundleJob, IssuedDocument, SignedScan
from .sniffing import TooLargeInside, opens, sniff

# The application (1-KNĐ) and the personal history (2-KNĐ) are written by the candidate's own hand.
HANDWRITTEN_RULE = "Hướng dẫn 12-HD/BTCTW, điểm 1.4.1"

logger = logging.getLogger("documents")

__all__ = ["Refusal", "document_check", "document_missing", "document_draft", "document_issue", "scan_upload",
           "bundle_job_start"]


def _form(form: DocumentForm | str) -> DocumentForm:
    if isinstance(form, DocumentForm):
        return form
    try:
        return BY_CODE[form]
    except KeyError:
        raise Refusal(_("Unknown form “%(form)s”.") % {"form": form}, rule=APP_RULE) from None




def document_check(*, dossier: Dossier, form: DocumentForm | str, subject: str = "",
                   options: dict | None = None) -> Built:
    """What the form would print and what the dossier still lacks for it (issue 5: missing data is
    listed before generation, never printed as a blank)."""
    form = _form(form)
    return _dated(form, form.builder(form, dossier, subject, options or {}))


def document_missing(*, dossier: Dossier, form: DocumentForm | str, subject: str = "",
                     options: dict | None = None) -> list[str]:
    """Only what the dossier lacks for the form: `document_check(...).errors`, through the form's
    cheaper checker where it has one (the panels ask this of every form on every page)."""
    form = _form(form)
    return _dated(form, (form.checker or form.builder)(form, dossier, subject, options or {})).errors


def _dated(form: DocumentForm, built: Built) -> Built:
    if not form.draft and built.date is None and not built.errors:
        built.errors.append(_("The date of the document is not recorded in the dossier."))
    return built


def latest_versions(dossier: Dossier) -> dict[tuple[str, str], IssuedDocument]:
    """The newest version of each (form, subject) issued for the dossier; PDFs not loaded."""
    latest: dict[tuple[str, str], IssuedDocument] = {}
    for doc in IssuedDocument.objects.filter(dossier=dossier).defer("pdf", "data").order_by("version"):
        latest[(doc.form_code, doc.subject)] = doc
    return latest


def document_issue(*, dossier: Dossier, form: DocumentForm | str, actor, subject: str = "",
                   options: dict | None = None, reason: str = "") -> IssuedDocument:
    """Issue a form: number it, render it, freeze it (PDF, SHA-256, data, number; glossary.md
    `IssuedDocument`). A second issue of the same form is version n+1 with the same number; the
    earlier versions stay (append-only)."""
    form = _form(form)
    if form.draft:
        raise Refusal(_("%(form)s is written by hand by the candidate; only a draft can be printed.")
                            % {"form": form.code}, rule=HANDWRITTEN_RULE)
    built = document_check(dossier=dossier, form=form, subject=subject, options=options)
    if built.errors:
        raise Refusal(built.errors, rule=rules.DOSSIER_RULE)
    if subject and subject not in {key for key, _name in form.subjects(dossier)}:
        raise Refusal(_("This copy of %(form)s does not belong to the dossier.") % {"form": form.code}, rule=APP_RULE)
    with transaction.atomic():
        # One issuer at a time per dossier: versions follow each other without a clash.
        Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier.pk).first()
        previous = (IssuedDocument.objects.filter(dossier=dossier, form_code=form.code, subject=subject)
                    .defer("pdf").order_by("-version").first())
        if previous is not None:
            number = previous.number
        elif built.number:
            number = built.number
        elif form.number_type and built.issuer is not None:
            if not built.issuer.short_name:
                raise Refusal(_("%(org)s has no abbreviation for document numbers (e.g. CB, ĐU, HU).")
                                    % {"org": built.issuer.name}, rule=APP_RULE)
            n = numbering.next_number(issuer=built.issuer, doc_type=form.number_type, year=built.date.year)
            number = numbering.format_number(n, form.number_type, built.issuer)
        else:
            number = ""
        data = dict(built.data, number=f"Số {number}" if number else "")
        issued_at = timezone.now().replace(microsecond=0)
        pdf = rendering.render_pdf(form.template, data, created=issued_at)
        doc = clean_and_save(IssuedDocument(
            dossier=dossier, form_code=form.code, subject=subject, version=(previous.version + 1) if previous else 1,
            number=number, document_date=built.date,
            issuer_name=built.issuer.name if built.issuer is not None else (data.get("issuer") or {}).get("org_name", ""),
            title=form.title, data=data, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
            issued_at=issued_at, issued_by=actor, reason=reason,
        ))
        transaction.on_commit(lambda: logger.info(
            "issued %s %s v%s for dossier %s by %s", doc.form_code, doc.number or "-", doc.version, dossier.pk,
            getattr(actor, "pk", None)))
    return doc


def document_rerender(*, document: IssuedDocument) -> bytes:
    """The PDF made again from the data frozen with the document (same template, same time): used
    to show that an issued document reproduces; the stored bytes stay the record."""
    form = _form(document.form_code)
    return rendering.render_pdf(form.template, document.data, created=document.issued_at)


def document_draft(*, dossier: Dossier, form: DocumentForm | str) -> bytes:
    """1-KNĐ / 2-KNĐ: a pre-filled draft the candidate copies by hand (domain.md §3.1: the
    application and the history are handwritten). Not numbered, not stored."""
    form = _form(form)
    if not form.draft:
        raise Refusal(_("%(form)s is issued, not drafted.") % {"form": form.code}, rule=APP_RULE)
    built = document_check(dossier=dossier, form=form)
    if built.errors:
        raise Refusal(built.errors, rule=rules.DOSSIER_RULE)
    return rendering.render_pdf(form.template, built.data, created=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def upload_limit() -> int:
    return settings.UPLOAD_MAX_BYTES


def scan_upload(*, dossier: Dossier, step: str, upload, actor, note: str = "") -> SignedScan:
    """A signed scan of the paper a step produced (PDF, JPEG or PNG, sniffed from its bytes, at
    most UPLOAD_MAX_BYTES); a refusal stores nothing."""
    if step not in SCAN_STEPS:
        raise Refusal(_("Scans cannot be attached to this step."), rule=APP_RULE)
    limit = upload_limit()
    if upload is None or not upload.size:
        raise Refusal(_("The file is empty."), rule=APP_RULE)
    if upload.size > limit:
        raise Refusal(_("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{upload.size / 1_000_000:.1f}".replace(".", ","),
            "limit": f"{limit / 1_000_000:g}".replace(".", ",")}, rule=APP_RULE)
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise Refusal(_("The file is larger than the limit of %(limit)s MB.") % {
            "limit": f"{limit / 1_000_000:g}".replace(".", ",")}, rule=APP_RULE)
    kind = sniff(content[:16])
    if kind is None:
        raise Refusal(_("Only PDF, JPEG or PNG scans are accepted; this file is none of them, whatever its "
                              "name says."), rule=APP_RULE)
    try:
        whole = opens(content, kind)
    except TooLargeInside:
        raise Refusal(_("The file expands to more than the allowed size when opened (it may be a "
                        "decompression bomb); it was not stored."), rule=APP_RULE) from None
    if not whole:
        raise Refusal(_("The file looks like a %(kind)s but cannot be opened; it may be damaged.")
                            % {"kind": kind.split("/")[-1].upper()}, rule=APP_RULE)
    section = scan_section(step, probation=dossier.state in (State.PROBATION, State.RECOGNIZED, State.REMOVED))
    with transaction.atomic():
        scan = clean_and_save(SignedScan(
            dossier=dossier, step=step, section=section, filename=(upload.name or "scan")[-255:], content_type=kind,
            content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(), note=note,
            uploaded_by=actor,
        ))
        transaction.on_commit(lambda: logger.info("scan %s for dossier %s step %s", scan.pk, dossier.pk, step))
    return scan


def bundle_job_start(*, actor, dossiers: list[Dossier]) -> BundleJob:
    """Bundles for many dossiers at once: a background job (django-tasks) whose page shows progress.
    The job is queued once the row exists (on commit)."""
    if not dossiers:
        raise Refusal(_("Choose at least one dossier."), rule=APP_RULE)
    from .tasks import build_bundles

    with transaction.atomic():
        job = clean_and_save(BundleJob(created_by=actor, dossier_ids=[d.pk for d in dossiers], total=len(dossiers)))

        def enqueue():
            result = build_bundles.enqueue(job_id=job.pk)
            BundleJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])

        transaction.on_commit(enqueue)
    return job

"""Văn bản: the numbering registry, the frozen issued documents, the signed scans, the bundle jobs.

Issued documents and scans are append-only: a correction is a new version, the old one stays
(glossary.md, `IssuedDocument`: number, date, signer, SHA-256).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, Organization


class NumberCounter(models.Model):
    """The last number given per issuing organisation, document type and year (HD 36-HD/VPTW:
    "Số 12-NQ/CB"). One row per key, locked with SELECT … FOR UPDATE when a number is taken."""

    issuer = models.ForeignKey(
        Organization, verbose_name=_("issuing organisation"), on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField(_("document type"), max_length=8)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("numbering counter")
        verbose_name_plural = _("numbering counters")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "year"], name="documents_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.issuer.short_name} {self.year}: {self.last}"


class AppendOnly(models.Model):
    """Rows are written once: never updated, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")


class IssuedDocument(AppendOnly):
    """A generated form, frozen: its PDF, SHA-256, number and the data it was made from. Later edits
    to the dossier never change it; a re-issue is a new version beside it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="issued_documents")
    form_code = models.CharField(_("form"), max_length=16)
    # Which one of several of the same form: "introducer:12" for one 3-KNĐ letter; "" otherwise.
    subject = models.CharField(_("subject"), max_length=40, blank=True, default="")
    version = models.PositiveIntegerField(_("version"))
    number = models.CharField(_("number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"))
    issuer_name = models.CharField(_("issuing body"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255)
    data = models.JSONField(_("data the document was made from"), encoder=DjangoJSONEncoder)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason for re-issue"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["dossier", "form_code", "subject", "version"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "form_code", "subject", "version"],
                                    name="documents_issued_version_once"),
        ]

    def __str__(self) -> str:
        number = f" số {self.number}" if self.number else ""
        return f"{self.form_code}{number} (v{self.version})"

    @property
    def filename(self) -> str:
        safe = self.form_code.replace("Đ", "D").replace("/", "-")
        return f"{safe}-hs{self.dossier_id}-v{self.version}.pdf"

    def verify(self) -> bool:
        """The stored bytes still hash to the stored SHA-256."""
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256


class ScanKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class SignedScan(AppendOnly):
    """A scan of a signed, stamped paper, attached to the step it proves (e.g. the signed 6-KNĐ to
    `record_branch_vote`). The type is sniffed from the content, never taken from the name."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="signed_scans")
    step = models.CharField(_("step"), max_length=48)
    # The paper it is, and so its place in the bundle (documents.catalogue.BUNDLE_SECTIONS).
    section = models.CharField(_("document"), max_length=16)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=32, choices=ScanKind.choices)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("signed scan")
        verbose_name_plural = _("signed scans")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.filename}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class BundleJob(models.Model):
    """A batch of dossier bundles built in the background (django-tasks); its page shows progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    dossier_ids = models.JSONField(_("dossiers"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("dossiers in the batch"), default=0)
    done = models.PositiveIntegerField(_("dossiers done"), default=0)
    result = models.BinaryField(_("result (ZIP of bundles)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bundle batch")
        verbose_name_plural = _("bundle batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.done}/{self.total} {self.status}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 100

"""Every import, recorded: who, when, which file (name, SHA-256), what kind, what it did.

A run is made when a file is previewed; confirming it writes the rows (all or nothing) and fills
its counts. The file itself is kept with the run until it is imported, so that the confirmation
(or the worker, for a large file) reads exactly the bytes that were previewed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Organization


class ImportKind(models.TextChoices):
    ORGANIZATIONS = "organizations", _("Party organisations")
    MEMBERS = "members", _("Cell rosters (party members)")
    CANDIDATES = "candidates", _("Candidates and their dossiers")


class ImportStatus(models.TextChoices):
    PREVIEWING = "previewing", _("Being checked")
    PREVIEWED = "previewed", _("Checked, awaiting confirmation")
    REFUSED = "refused", _("Refused: the file has errors")
    RUNNING = "running", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was written")


class ImportRun(models.Model):
    kind = models.CharField(_("kind of data"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    content = models.BinaryField(_("file content"), null=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT,
                             related_name="+")
    # The organisation at the top of the importer's scope, for the inspection role's list.
    organization = models.ForeignKey(Organization, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEWING)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    # The preview: one entry per row {row, key, name, action, reasons}; or the file's error.
    report = models.JSONField(_("preview"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.PREVIEWING, ImportStatus.RUNNING)

"""The log of exports, and the mark that a member was handed to the party-member database.

Every file the application hands out with people's data in it (issue 19: the new members for the
Central Organisation Commission's party-member database, CSDL đảng viên; the yearly supplement
list; the case list) is one append-only `ExportRecord`: who, when, which organisation's subtree,
which period, what kind, the file's SHA-256, and the members it held (`ExportedMember`). An
export of many people is logged as this one row with its member rows, not as one personal-data
read per person: the inspection committee reads it on the export log.

`ExportedMember` is also the "already exported" mark: a member admitted (or recognised) is handed
to the database once; the next export of that kind leaves him out unless a re-export is asked for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, Organization
from permissions.models import AppendOnlyLog


class ExportKind(models.TextChoices):
    ADMITTED = "admitted", _("Members admitted (by the admission ceremony)")
    RECOGNIZED = "recognized", _("Members recognised as official (by the recognition decision)")
    SUPPLEMENT = "supplement", _("Yearly supplement list (3-HSĐV)")
    CASE_LIST = "case_list", _("List of admission dossiers")


# The kinds that carry the "already exported" mark (one entry per member in the database).
MARKED_KINDS = (ExportKind.ADMITTED, ExportKind.RECOGNIZED)


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (XLSX)"
    CSV = "csv", "CSV (UTF-8)"


class ExportRecord(AppendOnlyLog):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    file_format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    include_exported = models.BooleanField(_("exported again those already exported"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new_members = models.PositiveIntegerField(_("exported for the first time"), default=0)
    repeated_members = models.PositiveIntegerField(_("exported again"), default=0)
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    filename = models.CharField(_("file name"), max_length=120)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.organization} · {self.at:%d/%m/%Y %H:%M}"


class ExportedMember(models.Model):
    """One member held by one export; for the marked kinds, the "already exported" mark."""

    record = models.ForeignKey(ExportRecord, on_delete=models.PROTECT, related_name="members")
    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    first_time = models.BooleanField(_("exported for the first time"), default=True)

    class Meta:
        verbose_name = _("exported member")
        verbose_name_plural = _("exported members")
        ordering = ["record", "pk"]
        indexes = [models.Index(fields=["dossier", "kind"], name="exported_dossier_kind")]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.dossier_id} · {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("ExportedMember is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ExportedMember is append-only.")

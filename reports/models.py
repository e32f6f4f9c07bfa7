"""Chỉ tiêu kết nạp đảng viên (AdmissionQuota): one per organisation and year.

A quota is set either as a number of admissions or as a percentage of the organisation's members
(official + probationary) at the end of the previous year: "kết nạp đảng viên mới năm 2023 tối
thiểu bằng 3% tổng số đảng viên năm 2022" (shared/reference/003). domain.md §5.6 leaves the
3–4% figure unconfirmed, so nothing here assumes it: the percentage is whatever the board enters.

Everything else about admissions (how many, how far along) is computed from the dossiers by
`reports.stats`; nothing in this app stores a count that a dossier could contradict. The one copy
kept, `AdmissionProfile`, is each admitted person's traits for the structure table, rewritten with
every save of the dossier or the candidate (`reports.signals`).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dossiers.models import Dossier, Organization

FIRST_YEAR = 2000
LAST_YEAR = 2100


class QuotaKind(models.TextChoices):
    COUNT = "count", _("A number of admissions")
    PERCENT = "percent", _("A percentage of members at the end of the previous year")


def resolve_percentage(percent: Decimal, members: int) -> int:
    """The count a percentage quota stands for: the smallest whole number of admissions that
    reaches `percent` of `members`, i.e. rounded UP (3% of 9.136 = 274,08 → 275).

    Rounding up because the letters set the percentage as a floor — "tối thiểu bằng 3% tổng số
    đảng viên năm 2022" (shared/reference/003) and "chỉ tiêu … hằng năm từ 3-4% tổng số đảng
    viên" (shared/reference/000) — and a count rounded down would meet the quota while staying
    under the percentage."""
    value = Decimal(percent) * Decimal(members) / Decimal(100)
    return int(value.to_integral_value(rounding=ROUND_CEILING))


class AdmissionQuota(models.Model):
    """The admission target of one organisation for one calendar year, allocated top-down: a
    parent's own quota is compared with the sum of its children's (`reports.stats.allocation`)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="quotas"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    kind = models.CharField(_("quota set as"), max_length=8, choices=QuotaKind.choices, default=QuotaKind.COUNT)
    count = models.PositiveIntegerField(_("number of admissions"), null=True, blank=True)
    percent = models.DecimalField(
        _("percentage of members"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    membership_base = models.PositiveIntegerField(
        _("members at the end of the previous year"), null=True, blank=True,
        help_text=_("Official and probationary members on 31 December of the previous year."),
    )
    note = models.CharField(_("basis"), max_length=255, blank=True,
                            help_text=_("e.g. the resolution or letter that sets the quota."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("admission quota")
        verbose_name_plural = _("admission quotas")
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="quota_once_per_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year} · {self.target}"

    def clean(self) -> None:
        errors = {}
        if self.kind == QuotaKind.COUNT:
            if self.count is None:
                errors["count"] = _("Enter the number of admissions.")
            if self.percent is not None:
                errors["percent"] = _("A quota set as a number has no percentage.")
        elif self.kind == QuotaKind.PERCENT:
            if self.percent is None:
                errors["percent"] = _("Enter the percentage of members.")
            if self.membership_base is None:
                errors["membership_base"] = _(
                    "Enter the number of members at the end of the previous year: the percentage is taken of it."
                )
            elif self.membership_base == 0:
                errors["membership_base"] = _("A percentage of 0 members is no quota; enter a number instead.")
            if self.count is not None:
                errors["count"] = _("A quota set as a percentage has no number; the number is computed.")
        if errors:
            raise ValidationError(errors)

    @property
    def target(self) -> int:
        """The quota as a number of admissions (a percentage resolved by `resolve_percentage`)."""
        if self.kind == QuotaKind.PERCENT:
            if self.percent is None or not self.membership_base:
                return 0
            return resolve_percentage(self.percent, self.membership_base)
        return self.count or 0


class AdmissionProfile(models.Model):
    """What the report's structure counts of one admitted person (`reports.profiles`): the
    decision and ceremony dates, the age on the decision date and one bit per trait. One row per
    dossier with an admission decision, written with the dossier and its candidate; read instead of
    joining ~140,000 candidates a year into the national report (issue 7)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True, related_name="+",
                                   verbose_name=_("admission dossier"))
    # The dossier's cell, copied with the dates: the report's structure counts a subtree's
    # admissions from this table and the organisations alone, without reading the dossiers (issue 21).
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"),
                             db_index=False)
    decision_date = models.DateField(_("admission decision date"))
    ceremony_date = models.DateField(_("admission ceremony date"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age on the decision date"), null=True, blank=True)
    traits = models.PositiveSmallIntegerField(_("traits"), default=0)

    class Meta:
        verbose_name = _("admission profile")
        verbose_name_plural = _("admission profiles")
        indexes = [
            # The period's admissions with what the structure groups by, from the index alone: a
            # province or the country (every cell joined by a hash of the subtree's organisations)…
            models.Index(fields=["decision_date"], include=["ceremony_date", "age", "traits", "cell"],
                         name="profile_decision"),
            # …and a district or a grassroots organisation (its cells probed one by one).
            models.Index(fields=["cell", "decision_date"], include=["ceremony_date", "age", "traits"],
                         name="profile_cell_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.decision_date}"

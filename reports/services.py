"""Setting quotas: the only way an `AdmissionQuota` is written.

One transaction each: check who may, build the row, `full_clean()`, save; django-simple-history
keeps every version with the user who made it. A refusal raises `Refusal` with the reasons
(English msgids, Vietnamese on screen) and leaves the database as it was.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.models import Organization
from dossiers.refusals import APP_RULE, Refusal, clean_and_save

from . import access
from .models import AdmissionQuota, QuotaKind


def quota_set(*, organization: Organization, year: int, actor, count: int | None = None,
              percent: Decimal | None = None, membership_base: int | None = None, note: str = "") -> AdmissionQuota:
    """Set (or replace) the organisation's admission quota for `year`: either `count`
    admissions, or `percent` of `membership_base` members at the end of the previous year
    (resolved by `reports.models.resolve_percentage`). Organisation board of the organisation or
    of one above it only (reference/003: the province allocates to its districts)."""
    if not access.quota_allowed(actor, organization):
        raise Refusal(_("Only the organisation board of this organisation or of a higher one may set its quota."), rule=APP_RULE)
    if count is not None and percent is not None:
        raise Refusal(_("Enter either a number of admissions or a percentage, not both."), rule=APP_RULE)
    if count is None and percent is None:
        raise Refusal(_("Enter a number of admissions or a percentage of members."), rule=APP_RULE)
    with transaction.atomic():
        quota = (AdmissionQuota.objects.select_for_update().filter(organization=organization, year=year).first()
                 or AdmissionQuota(organization=organization, year=year))
        quota.kind = QuotaKind.COUNT if count is not None else QuotaKind.PERCENT
        quota.count = count
        quota.percent = percent
        quota.membership_base = membership_base
        quota.note = note.strip()
        quota.set_by = actor
        quota._history_user = actor
        clean_and_save(quota)
    return quota


def quota_remove(*, quota: AdmissionQuota, actor) -> None:
    """Withdraw a quota (set by mistake); its versions stay in the history."""
    if not access.quota_allowed(actor, quota.organization):
        raise Refusal(_("Only the organisation board of this organisation or of a higher one may set its quota."), rule=APP_RULE)
    with transaction.atomic():
        quota._history_user = actor
        quota.delete()

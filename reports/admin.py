"""Quotas in the admin: read-only (they are set on the quota pages, through reports.services), with
their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dossiers.admin import ReadOnlyAdminMixin

from .models import AdmissionQuota


@admin.register(AdmissionQuota)
class AdmissionQuotaAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["organization", "year", "kind", "count", "percent", "membership_base", "set_by", "updated_at"]
    list_filter = ["year", "kind"]
    search_fields = ["organization__name"]

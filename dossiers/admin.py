"""Django admin for staff. State changes are not offered here: they go through dossiers.services.
History is read-only, and edits to data are kept by django-simple-history (before/after)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ReadOnlyAdminMixin:
    """Recorded by the services, read here: no add, no change, no delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(models.Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "category", "parent", "official_members", "probationary_members"]
    list_filter = ["level", "category"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]


class RelativeInline(admin.TabularInline):
    model = models.Relative
    extra = 0


@admin.register(models.Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "sex", "birth_date", "ethnicity", "occupation"]
    list_filter = ["sex", "general_education"]
    search_fields = ["full_name", "search_name", "id_number"]
    inlines = [RelativeInline]


@admin.register(models.PartyMember)
class PartyMemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "cell", "status", "joined_on", "official_since"]
    list_filter = ["status"]
    search_fields = ["full_name"]
    raw_id_fields = ["cell", "user"]


class HistoryInline(ReadOnlyInline):
    model = models.DossierHistory
    fields = ["at", "actor", "action", "from_state", "to_state", "note"]
    readonly_fields = fields


@admin.register(models.Dossier)
class DossierAdmin(SimpleHistoryAdmin):
    list_display = ["candidate", "cell", "state", "spotted_on", "decision_date", "official_date"]
    list_filter = ["state", "year", "source"]
    search_fields = ["candidate__search_name", "candidate__full_name"]
    raw_id_fields = ["candidate", "cell"]
    readonly_fields = ["state", "year", "decision_date", "ceremony_date", "official_date", "escalated_on",
                       "member", "closing_reason", "created_by", "created_at"]
    inlines = [HistoryInline]

    def has_add_permission(self, request):
        # A dossier is created by services.dossier_create, which writes its first history row.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DossierHistory)
class DossierHistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: visible, never editable, never deletable."""

    list_display = ["at", "effective_on", "dossier", "actor", "action", "from_state", "to_state"]
    list_filter = ["action", "to_state"]
    search_fields = ["dossier__candidate__search_name"]
    readonly_fields = [f.name for f in models.DossierHistory._meta.fields]


for model in [models.TrainingCertificate, models.Introducer, models.Mentor, models.Verification,
              models.OpinionSummary, models.PartyAct, models.Ceremony, models.ProgressReport,
              models.SelfReview]:
    admin.site.register(model, SimpleHistoryAdmin)


@admin.register(models.Vote)
class VoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Votes decide outcomes: recorded by the services, read here."""

    list_display = ["dossier", "purpose", "meeting_date", "eligible", "votes_for", "passed"]
    readonly_fields = [f.name for f in models.Vote._meta.fields]


admin.site.site_header = _("Party member development — administration")
admin.site.site_title = _("Party member development")

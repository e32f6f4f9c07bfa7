"""Read-only in the admin: roles change through the role pages (`roles:grant`, `roles:revoke`), which
keep the guardian permissions in step and write the audit row; the logs are append-only."""

from django.contrib import admin

from .models import PersonalDataRead, RoleAssignment, RoleChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "organization", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "organization__name"]


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "user", "role", "organization", "actor"]
    list_filter = ["action", "role"]
    search_fields = ["user__username", "organization__name"]


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "dossier", "what"]
    list_filter = ["what"]
    search_fields = ["user__username"]

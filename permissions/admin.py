from django.contrib import admin

from .models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "granted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name", "organization__name"]
    raw_id_fields = ["user", "organization", "granted_by"]

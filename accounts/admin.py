from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read only: the log is written by accounts.services and never changed."""

    list_display = ("at", "action", "user", "actor", "organization", "detail")
    list_filter = ("action",)
    search_fields = ("user__username", "actor__username", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

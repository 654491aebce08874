from django.contrib import admin
from django.http import HttpRequest

from veille.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services only."""

    list_display = ("at", "actor", "via", "action", "object_type", "object_id")
    list_filter = ("action", "via")
    search_fields = ("actor", "object_id", "note")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

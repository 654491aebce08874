"""Read-only admin views: changes go through services (``veille`` commands and pages)."""

from django.contrib import admin
from django.http import HttpRequest

from veille.nations.models import ApiToken, Invitation, LoginFailure, Membership, Nation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Nation)
class NationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "accession_date", "partnership_date", "eu_member")
    list_filter = ("kind", "eu_member")
    search_fields = ("code", "name", "name_fr")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "nation", "role")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_sha256",)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = (
        "email",
        "nation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "user",
    )
    exclude = ("key_sha256",)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ("username", "address", "failures", "locks", "last_failure_at", "locked_until")

"""The audit trail's pages, mounted at ``/audit/`` (names ``audit:list``, ``audit:export``)."""

from django.urls import path

from veille.web import audit_pages

app_name = "audit"
urlpatterns = [
    path("", audit_pages.audit_list, name="list"),
    path("export.<str:fmt>", audit_pages.audit_export, name="export"),
]

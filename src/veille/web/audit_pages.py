"""The audit trail's pages (``/audit/``), for coordinators and administrators.

The trail (``veille.audit``) sits below ``veille.nations``; who may read it is a question of roles,
so the pages that read it are here, in the shell.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from veille.audit.models import AuditEvent
from veille.audit.queries import AuditFilter, matching
from veille.core.errors import InvalidInput, PermissionDenied
from veille.kit.exports import export_response
from veille.nations.access import sees_everything

COLUMNS = ["at", "actor", "address", "via", "action", "object_type", "object_id", "before", "after", "note"]


def audit_events(user: Any, flt: AuditFilter) -> QuerySet[AuditEvent]:
    """The rows of the trail that ``flt`` keeps, for a coordinator or an administrator only."""
    if not sees_everything(user):
        raise PermissionDenied("only coordinators and administrators may read the audit trail")
    return matching(flt)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    error = None
    try:
        flt = AuditFilter.parse(request.GET)
    except InvalidInput as exc:
        flt, error = AuditFilter(), str(exc)
    try:
        qs = audit_events(request.user, flt)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actions = sorted(set(qs.values_list("action", flat=True).distinct()[:200]))
    return render(
        request,
        "web/audit.html",
        {"page": page, "flt": flt, "error": error, "actions": actions},
        status=400 if error else 200,
    )


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    try:
        qs = audit_events(request.user, AuditFilter.parse(request.GET))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except InvalidInput as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    rows = qs.values(*COLUMNS)[:100_000]
    return export_response(rows, COLUMNS, fmt, "veille-audit")

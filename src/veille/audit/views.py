from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from veille.audit.queries import AuditFilter, audit_events
from veille.core.errors import InvalidInput, PermissionDenied
from veille.web.exports import export_response

COLUMNS = ["at", "actor", "address", "via", "action", "object_type", "object_id", "before", "after", "note"]


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
        "audit/list.html",
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

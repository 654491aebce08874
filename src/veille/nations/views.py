from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veille.core.errors import PermissionDenied, VeilleError
from veille.kit.exports import export_response
from veille.nations.access import Actor, require_coordinator
from veille.nations.models import NationKind
from veille.nations.queries import locked_logins, nation_rows
from veille.nations.services import do_unlock

COLUMNS = [
    "code",
    "name",
    "name_fr",
    "kind",
    "status",
    "status_on",
    "accession_date",
    "partnership_date",
    "partnership_framework",
    "eu_member",
    "source",
    "note",
]


def _day(request: HttpRequest) -> tuple[dt.date, str | None]:
    raw = request.GET.get("on", "")
    if not raw:
        return dt.date.today(), None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return dt.date.today(), f"'on' must be a date as YYYY-MM-DD, not {raw!r}; showing today."


def nation_list(request: HttpRequest) -> HttpResponse:
    day, error = _day(request)
    kind = request.GET.get("kind") or None
    if kind not in (None, *NationKind.values):
        kind, error = None, f"unknown kind {request.GET.get('kind')!r}"
    rows = nation_rows(day, kind)
    return render(
        request,
        "nations/list.html",
        {
            "rows": rows,
            "day": day,
            "error": error,
            "kinds": NationKind.choices,
            "kind": kind,
        },
        status=400 if error else 200,
    )


def nation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404(f"no export as {fmt}")
    day, _ = _day(request)
    return export_response(
        nation_rows(day),
        COLUMNS,
        fmt,
        f"veille-nations-{day.isoformat()}",
        meta={
            "dataset": "veille reference nations",
            "status_on": day.isoformat(),
            "source": "data/reference (see data/PROVENANCE.md)",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def login_locks(request: HttpRequest) -> HttpResponse:
    """Coordinators see the logins locked after failed attempts, and unlock a user."""
    actor = Actor.from_request(request)
    try:
        require_coordinator(actor, "unlock accounts")
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            count = do_unlock(actor, username)
        except VeilleError as exc:
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            messages.success(
                request,
                _("%(user)s is unlocked (%(n)s address(es) were locked).") % {"user": username, "n": count},
            )
            return redirect("nations:locks")
    return render(request, "nations/locks.html", {"rows": locked_logins()}, status=status)

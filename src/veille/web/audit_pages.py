"""The audit trail's pages (``/audit/``), for coordinators and administrators.

The trail (``veille.audit``) sits below ``veille.nations``; who may read it is a question of roles,
so the pages that read it are here, in the shell.
"""

from __future__ import annotations

import json
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


def shown(value: Any) -> str:
    """A recorded value for reading: text as it is, numbers and yes/no as JSON writes them, lists
    and objects as indented JSON (never Python's notation: no ``None``, ``True``, quotes ``'…'``).

    >>> shown(None), shown(True), shown("NOR"), shown(2.5)
    ('—', 'true', 'NOR', '2.5')
    >>> print(shown({"type": "Point", "coordinates": [15, 70]}))
    {
      "type": "Point",
      "coordinates": [15, 70]
    }
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
        # short lists on one line (coordinates, codes)
        if (isinstance(value, list) and len(text) < 80) or (isinstance(value, dict) and len(text) < 60):
            return json.dumps(value, ensure_ascii=False, default=str)
        return _inline_short_lists(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _inline_short_lists(value: Any) -> str:
    """Indented JSON, with each list of plain values (a coordinate pair, codes) on one line."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    joined: list[str] = []
    buf = ""
    for line in text.splitlines():
        stripped = line.strip()
        if buf:
            if stripped.endswith(("[", "{")):  # a list of lists or objects: kept as it is
                joined += buf.splitlines()
                joined.append(line)
                buf = ""
            elif stripped.startswith("]"):
                joined.append(buf + stripped)
                buf = ""
            else:
                buf += stripped + (" " if stripped.endswith(",") else "")
            continue
        if stripped.endswith("["):
            buf = line
            continue
        joined.append(line)
    return "\n".join(joined + ([buf] if buf else []))


def changes(before: Any, after: Any) -> list[dict[str, Any]]:
    """The fields of a change for reading: each with its value before and after (``—`` when
    absent) and whether it changed. Records (dicts) are compared field by field; anything else is
    one row named ``value``.

    >>> rows = changes({"a": 1, "b": None}, {"a": 2, "b": None})
    >>> [(c["field"], c["before"], c["after"], c["changed"]) for c in rows]
    [('a', '1', '2', True), ('b', '—', '—', False)]
    """
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        return [
            {"field": "value", "before": shown(before), "after": shown(after), "changed": before != after}
        ]
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    fields = list(b) + [k for k in a if k not in b]
    return [
        {
            "field": k,
            "before": shown(b.get(k)) if isinstance(before, dict) else "",
            "after": shown(a.get(k)) if isinstance(after, dict) else "",
            "changed": b.get(k) != a.get(k),
        }
        for k in fields
    ]


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
    for e in page:
        rows = changes(e.before, e.after)
        for c in rows:
            c["before_lines"], c["after_lines"] = "\n" in c["before"], "\n" in c["after"]
        kept = [c for c in rows if c["changed"] or e.before is None or e.after is None]
        e.changes = kept  # type: ignore[attr-defined]  # for the template
        e.unchanged = len(rows) - len(kept)  # type: ignore[attr-defined]
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

"""Reading the audit trail, with filters; only coordinators and admins may."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput, PermissionDenied
from veille.nations.access import sees_everything


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def parse(cls, params: Any) -> AuditFilter:
        def day(name: str) -> dt.date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput(f"must be a date as YYYY-MM-DD, not {raw!r}", field=name) from None

        return cls(
            actor=(params.get("actor") or "").strip(),
            action=(params.get("action") or "").strip(),
            object_type=(params.get("object_type") or "").strip(),
            since=day("since"),
            until=day("until"),
        )


def audit_events(user: Any, flt: AuditFilter) -> QuerySet[AuditEvent]:
    if not sees_everything(user):
        raise PermissionDenied("only coordinators and administrators may read the audit trail")
    qs = AuditEvent.objects.all()
    if flt.actor:
        qs = qs.filter(actor__icontains=flt.actor)
    if flt.action:
        qs = qs.filter(action__startswith=flt.action)
    if flt.object_type:
        qs = qs.filter(object_type=flt.object_type)
    if flt.since:
        qs = qs.filter(at__date__gte=flt.since)
    if flt.until:
        qs = qs.filter(at__date__lte=flt.until)
    return qs

"""Reading the audit trail, with filters.

Only coordinators and administrators may read it: that rule belongs to ``veille.nations`` (roles),
which sits above the trail, so the pages that check it are in the shell
(``veille.web.audit_pages.audit_events``); :func:`matching` only filters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput

__all__ = ["AuditFilter", "matching"]


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


def matching(flt: AuditFilter) -> QuerySet[AuditEvent]:
    """The rows of the trail that ``flt`` keeps, newest first (the caller checks who may read them)."""
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

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""The audit trail in the API (``/api/v1/audit/``), for coordinators and administrators."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from veille.audit.queries import AuditFilter
from veille.kit.limits import Code
from veille.web.audit_pages import audit_events

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    address: str | None
    via: str
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    note: str


class AuditQuery(Schema):
    actor: Code = ""
    action: Code = ""
    object_type: Code = ""
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/", response=list[AuditOut], summary="The audit trail (coordinators and admins)")
@paginate
def list_audit(request: HttpRequest, filters: Query[AuditQuery]) -> Any:
    return audit_events(request.user, AuditFilter(**filters.dict()))

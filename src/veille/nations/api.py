# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from veille.core.errors import NotFound
from veille.kit.limits import Code
from veille.nations.access import membership_of
from veille.nations.models import Nation, NationKind
from veille.nations.queries import nation_rows

router = Router(tags=["nations"])


class NationOut(Schema):
    code: str
    name: str
    name_fr: str
    kind: str
    status: str
    status_on: str
    accession_date: dt.date | None
    partnership_date: dt.date | None
    partnership_framework: str
    eu_member: bool
    source: str
    note: str


class MeOut(Schema):
    username: str
    nation: str | None
    role: str | None
    nato_staff: bool


@router.get("/", response=list[NationOut], summary="Nations with their status on a date")
@paginate
def list_nations(request: HttpRequest, on: dt.date | None = None, kind: NationKind | None = None) -> Any:
    return nation_rows(on, kind.value if kind else None)


@router.get("/me", response=MeOut, summary="The calling user's nation and role")
def me(request: HttpRequest) -> dict[str, object]:
    m = membership_of(request.user)
    return {
        "username": request.user.get_username(),
        "nation": m.nation_id if m else None,
        "role": m.role if m else None,
        "nato_staff": bool(m and m.is_nato_staff),
    }


@router.get("/{code}", response=NationOut, summary="One nation with its status on a date")
def get_nation(request: HttpRequest, code: Code, on: dt.date | None = None) -> dict[str, object]:
    if not Nation.objects.filter(code=code.upper()).exists():
        raise NotFound(f"no nation has code {code!r}", field="code")
    return next(r for r in nation_rows(on) if r["code"] == code.upper())

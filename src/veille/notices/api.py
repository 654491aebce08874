# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""The caller's notices (what waits for them, what is new, what is done) and marking them read."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from veille.kit.limits import MAX_LIST_ITEMS, Code, RecordId
from veille.nations.access import Actor
from veille.notices import queries, services

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    key: str
    app: str
    kind: str
    title: str
    subject: str
    url: str
    action: bool
    state: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    cleared_at: dt.datetime | None


class ReadIn(Schema):
    app: Code | None = None
    ids: list[RecordId] | None = Field(default=None, max_length=MAX_LIST_ITEMS)


class ReadOut(Schema):
    read: int


@router.get("/", response=list[NoticeOut], summary="Your notices, newest first (to do, new, read, done)")
@paginate
def notices_list(request: HttpRequest) -> Any:
    rows = queries.history(request.user, limit=1000)
    for n in rows:
        n.title = _(n.title)
    return rows


@router.post("/read", response=ReadOut, summary="Mark your unread notices read (of an app, or by id)")
def notices_read(request: HttpRequest, body: ReadIn) -> Any:
    return {"read": services.do_mark_read(Actor.from_request(request, via="api"), body.app, body.ids)}

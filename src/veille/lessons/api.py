# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Lessons learned: observations, lessons and their cycle, public summaries, and one full-text search
(releasability applies inside it: hits and totals count only what the caller may see)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from veille.kit.exports import export_response
from veille.kit.limits import Code, Codes, LongText, Note, Title
from veille.lessons import cycle, queries, services
from veille.lessons.exceptions import LessonNotFound, UnknownStep
from veille.lessons.search import MAX_LIMIT
from veille.lessons.search import search as run_search
from veille.nations.access import Actor, Releasability

router = Router(tags=["lessons"])


class ObservationOut(Schema):
    id: int
    title: str
    text: str
    analysis: str
    nation: str | None
    observed_on: dt.date
    domains: str
    stage: str
    stage_since: dt.datetime
    next_step: str | None
    lesson: int | None
    releasable_to: str
    synthetic: bool


class LessonOut(Schema):
    id: int
    title: str
    text: str
    domains: str
    stage: str
    stage_since: dt.datetime
    next_step: str | None
    action: int | None
    action_owner: str
    observations: str
    public_summary: str
    releasable_to: str
    synthetic: bool


class ObservationIn(Schema):
    nation: Code
    title: Title
    text: LongText
    observed_on: dt.date
    domains: Codes = []
    releasable_to: Code = Releasability.NATIONS
    releasable_nations: Codes = []


class ObservationStepIn(Schema):
    """``analyse`` needs ``analysis``; ``identify`` needs ``title`` and ``text`` (the lesson)."""

    step: Code
    analysis: Note = ""
    title: Title = ""
    text: LongText = ""
    domains: Codes | None = None
    releasable_to: Code = ""
    releasable_nations: Codes = []


class LessonStepIn(Schema):
    """``task`` needs ``title``, ``owner`` (NSATU, JATEC, CAP, PURL, NATO or a nation) and ``due``."""

    step: Code
    note: Note = ""
    title: Title = ""
    owner: Code = ""
    due: dt.date | None = None


class SummaryIn(Schema):
    title: Title
    text: LongText


class SummaryOut(Schema):
    lesson: int
    title: str
    text: str
    released_at: dt.datetime


class SearchQuery(Schema):
    q: Code
    kind: Code | None = None
    domain: Code | None = None
    limit: int = 20
    offset: int = 0


class HitOut(Schema):
    kind: str
    ref_id: int
    title: str
    excerpt: str
    day: dt.date
    domains: list[str]
    url: str


class SearchOut(Schema):
    query: str
    words: list[str]
    total: int
    more: bool  # more matches than the total says (it is then a lower bound)
    hits: list[HitOut]


def _observation(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = queries.observations(request.user).filter(pk=pk).first()
    if found is None:
        raise LessonNotFound(f"no observation {pk} that you can see", field="observation")
    return queries.observation_row(found)


def _lesson(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = queries.lessons(request.user).filter(pk=pk).first()
    if found is None:
        raise LessonNotFound(f"no lesson {pk} that you can see", field="lesson")
    return queries.lesson_row(found)


@router.get("/observations", response=list[ObservationOut], summary="Observations you may see")
@paginate
def lessons_observations(request: HttpRequest, stage: Code | None = None) -> Any:
    qs = queries.observations(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    return [queries.observation_row(o) for o in qs]


@router.get("/observations/{int:observation_id}", response=ObservationOut, summary="One observation")
def lessons_observation(request: HttpRequest, observation_id: int) -> Any:
    return _observation(request, observation_id)


@router.post(
    "/observations", response={201: ObservationOut}, summary="Record an observation (its nation's editors)"
)
def lessons_record_observation(request: HttpRequest, body: ObservationIn) -> Any:
    obs = services.do_record_observation(
        Actor.from_request(request, via="api"),
        body.nation,
        body.title,
        body.text,
        body.domains,
        body.observed_on,
        body.releasable_to,
        body.releasable_nations,
    )
    return Status(201, _observation(request, obs.pk))


@router.post(
    "/observations/{int:observation_id}/steps",
    response={201: ObservationOut},
    summary="Analyse an observation, or identify a lesson from it (coordinators, JATEC's editors)",
)
def lessons_observation_step(request: HttpRequest, observation_id: int, body: ObservationStepIn) -> Any:
    actor = Actor.from_request(request, via="api")
    if body.step == "analyse":
        services.do_analyse(actor, observation_id, body.analysis)
    elif body.step == "identify":
        services.do_identify(
            actor,
            observation_id,
            body.title,
            body.text,
            domains=body.domains,
            releasable_to=body.releasable_to,
            releasable_nations=body.releasable_nations,
        )
    else:
        raise UnknownStep(
            f"unknown step {body.step!r}; an observation's steps are {', '.join(cycle.OBSERVATION_STEPS)}",
            field="step",
        )
    return Status(201, _observation(request, observation_id))


@router.get("/", response=list[LessonOut], summary="Lessons you may see")
@paginate
def lessons_list(request: HttpRequest, stage: Code | None = None) -> Any:
    qs = queries.lessons(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    return [queries.lesson_row(x) for x in qs]


@router.get("/{int:lesson_id}", response=LessonOut, summary="One lesson")
def lessons_lesson(request: HttpRequest, lesson_id: int) -> Any:
    return _lesson(request, lesson_id)


@router.post(
    "/{int:lesson_id}/steps",
    response={201: LessonOut},
    summary="Take the lesson's next step: task, implement, validate, learn (each by its role)",
)
def lessons_lesson_step(request: HttpRequest, lesson_id: int, body: LessonStepIn) -> Any:
    fields = {"note": body.note, "title": body.title, "owner": body.owner, "due": body.due}
    services.do_step(Actor.from_request(request, via="api"), lesson_id, body.step, **fields)
    return Status(201, _lesson(request, lesson_id))


@router.post(
    "/{int:lesson_id}/summary",
    response={201: SummaryOut},
    summary="Release a public summary of a lesson (coordinators)",
)
def lessons_release_summary(request: HttpRequest, lesson_id: int, body: SummaryIn) -> Any:
    s = services.do_release_summary(Actor.from_request(request, via="api"), lesson_id, body.title, body.text)
    return Status(
        201, {"lesson": s.lesson_id, "title": s.title, "text": s.text, "released_at": s.released_at}
    )


@router.get("/summaries", response=list[SummaryOut], summary="Public summaries of lessons")
@paginate
def lessons_summaries(request: HttpRequest) -> Any:
    return queries.table_rows(request.user, "summaries")


@router.get(
    "/search",
    response=SearchOut,
    summary=f"Full-text search over observations, lessons and public summaries you may see (every word "
    f"required, stemmed; at most {MAX_LIMIT} hits a page)",
)
def lessons_search(request: HttpRequest, filters: Query[SearchQuery]) -> Any:
    result = run_search(
        request.user,
        filters.q,
        kinds=[filters.kind] if filters.kind else None,
        domain=filters.domain,
        limit=filters.limit,
        offset=max(0, min(filters.offset, 1_000_000)),
    )
    return {
        "query": result.query,
        "words": result.words,
        "total": result.total,
        "more": result.more,
        "hits": result.hits,
    }


@router.get("/{table}.csv", summary="A table as CSV: observations, lessons, summaries (what you may see)")
def lessons_export_csv(request: HttpRequest, table: Code) -> HttpResponse:
    if table not in queries.TABLES:
        raise LessonNotFound(f"no table {table!r}; tables: {', '.join(queries.TABLES)}", field="table")
    return export_response(
        queries.table_rows(request.user, table), queries.TABLES[table], "csv", f"veille-lessons-{table}", {}
    )
